// CommonJS, for tab completion's fast path (paths.ts re-exports it to ES modules).
import path = require('node:path');
import type { Env } from './paths.js';

/**
 * Where mcpkey keeps its configuration: MCPKEY_HOME, else the platform's config directory
 * ($XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows).
 */
function configHome(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (env.MCPKEY_HOME) return env.MCPKEY_HOME;
  // node:os only when the environment does not say: tab completion pays for every module it loads.
  const home = env.HOME || env.USERPROFILE || (require('node:os') as typeof import('node:os')).homedir();
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'mcpkey');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'mcpkey');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'mcpkey');
}

function configFile(env: Env, platform?: NodeJS.Platform): string {
  return path.join(configHome(env, platform), 'config.json');
}

export = { configHome, configFile };
