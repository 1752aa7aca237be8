// The code is in paths.cts (CommonJS, for tab completion's fast path).
import paths from './paths.cjs';

export type Env = Readonly<Record<string, string | undefined>>;

export const { configHome, configFile } = paths;
