import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where mcpkey keeps its configuration: MCPKEY_HOME, else the platform's config directory
 * ($XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows).
 */
export function configHome(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (env.MCPKEY_HOME) return env.MCPKEY_HOME;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'mcpkey');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'mcpkey');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'mcpkey');
}

export function configFile(env: Env, platform?: NodeJS.Platform): string {
  return join(configHome(env, platform), 'config.json');
}
