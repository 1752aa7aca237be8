import { statSync } from 'node:fs';
import type { Env } from '../core/config/paths.js';
import { projectCandidates } from '../core/project/locate.js';

export interface StartupInputs {
  configFile: string;
  cwd: string;
  env: Env;
  /** mcpkey's version: the built-in catalog comes with it. */
  version: string;
  /** `--servers`, when given. */
  servers?: string[];
}

/** A file's identity and state, 'none' when it is not there; other errors are thrown. */
function stamp(file: string): string {
  try {
    const info = statSync(file);
    return `${info.ino} ${info.size} ${info.mtimeMs}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'none';
    throw error;
  }
}

/**
 * What decides which servers the gateway exposes, as one string: the config file (the user's entries
 * and enabled list), the project file in effect (its entries and enabled set), mcpkey's version (the
 * built-in catalog) and `--servers`. When it equals the key saved with the last full listing, that
 * listing's server set still holds, and the first `tools/list` is answered from the tool cache before
 * the catalog, the config code and the keychain load. A few stats; undefined when one fails.
 */
export async function startupKey(inputs: StartupInputs): Promise<string | undefined> {
  try {
    const parts = [inputs.version, inputs.servers?.join(',') ?? '(enabled)', `${inputs.configFile} ${stamp(inputs.configFile)}`];
    // The project is the first candidate that exists; those before it are part of the key as absent.
    const files = projectCandidates(inputs.cwd, inputs.env).files;
    // Synchronous: a few stats cost less than the thread pool's round trips and node:fs/promises.
    for (const file of files) {
      const state = stamp(file);
      parts.push(`${file} ${state}`);
      if (state !== 'none') break;
    }
    return parts.join('\n');
  } catch {
    return undefined;
  }
}
