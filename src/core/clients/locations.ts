/**
 * Where each MCP client reads its servers from, by default, per platform. Pure: paths are computed
 * from the environment given, never looked up. The source of each location is noted next to it.
 */
import { posix, win32 } from 'node:path';
import type { Env } from '../config/paths.js';
import type { ClientName } from './formats.js';

export interface LocateOptions {
  env: Env;
  cwd: string;
  home: string;
  platform: NodeJS.Platform;
  /** The project's own file instead of the user's (clients with one: see PROJECT_FILES). */
  project?: boolean;
}

export interface ClientLocation {
  file: string;
  /** Set when the location is not one the client documents, or older versions read another. */
  note?: string;
}

/** Clients with both a user file and a project file (`--project` chooses the latter). */
export const PROJECT_CLIENTS: readonly ClientName[] = ['cursor', 'gemini', 'zed', 'codex'];

/** Where a client reads its MCP servers from, by default. */
export function clientLocation(client: ClientName, options: LocateOptions): ClientLocation {
  const path = options.platform === 'win32' ? win32 : posix;
  const { env, home, cwd, platform } = options;
  const appData = env.APPDATA || path.join(home, 'AppData', 'Roaming');
  // $XDG_CONFIG_HOME is honoured on Linux (and the BSDs) only; macOS apps below use ~/.config literally.
  const xdgConfig = platform !== 'darwin' && platform !== 'win32' && env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  switch (client) {
    case 'claude-desktop':
      // modelcontextprotocol.io/docs/develop/connect-local-servers: the macOS and Windows files.
      if (platform === 'darwin') return { file: path.join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json') };
      if (platform === 'win32') return { file: path.join(appData, 'Claude', 'claude_desktop_config.json') };
      // There is no official Claude Desktop for Linux. Community builds keep their data in the Electron
      // user-data directory, $XDG_CONFIG_HOME/Claude (~/.config/Claude); unverified, hence the note.
      return {
        file: path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'Claude', 'claude_desktop_config.json'),
        note: 'Claude Desktop has no official Linux build; this is where unofficial builds read their config (use --file if yours differs)',
      };
    case 'claude-code':
      // Project scope: `.mcp.json` at the project root, meant to be committed and shared.
      return { file: path.resolve(cwd, '.mcp.json') };
    case 'cursor':
      // docs.cursor.com/context/mcp: ~/.cursor/mcp.json (global) and .cursor/mcp.json (project).
      return options.project ? { file: path.resolve(cwd, '.cursor', 'mcp.json') } : { file: path.join(home, '.cursor', 'mcp.json') };
    case 'vscode':
      return { file: path.resolve(cwd, '.vscode', 'mcp.json') };
    case 'windsurf':
      // docs.windsurf.com/windsurf/cascade/mcp: ~/.codeium/windsurf/mcp_config.json, on every platform.
      return { file: path.join(home, '.codeium', 'windsurf', 'mcp_config.json') };
    case 'cline':
      // docs.cline.bot/getting-started/config: ~/.cline/data/settings/cline_mcp_settings.json, shared by
      // the IDE extensions, the CLI and the SDK; CLINE_DATA_DIR replaces ~/.cline/data.
      return {
        file: path.join(env.CLINE_DATA_DIR || path.join(home, '.cline', 'data'), 'settings', 'cline_mcp_settings.json'),
        note: "older Cline extensions read VS Code's globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json instead (use --file for it)",
      };
    case 'zed':
      // zed.dev/docs/configuring-zed: ~/.config/zed/settings.json on macOS and Linux ($XDG_CONFIG_HOME/zed
      // on Linux), %APPDATA%\Zed\settings.json on Windows; .zed/settings.json in a project.
      if (options.project) return { file: path.resolve(cwd, '.zed', 'settings.json') };
      if (platform === 'win32') return { file: path.join(appData, 'Zed', 'settings.json') };
      return { file: path.join(xdgConfig, 'zed', 'settings.json') };
    case 'gemini':
      // geminicli.com/docs/tools/mcp-server: ~/.gemini/settings.json (user), .gemini/settings.json (project).
      return options.project ? { file: path.resolve(cwd, '.gemini', 'settings.json') } : { file: path.join(home, '.gemini', 'settings.json') };
    case 'codex':
      // developers.openai.com/codex/config-reference: $CODEX_HOME/config.toml (default ~/.codex), and
      // .codex/config.toml in a trusted project.
      if (options.project) return { file: path.resolve(cwd, '.codex', 'config.toml') };
      return { file: path.join(env.CODEX_HOME || path.join(home, '.codex'), 'config.toml') };
    case 'goose':
      // block.github.io/goose/docs/guides/config-files: ~/.config/goose/config.yaml on macOS and Linux,
      // %APPDATA%\Block\goose\config\config.yaml on Windows.
      if (platform === 'win32') return { file: path.join(appData, 'Block', 'goose', 'config', 'config.yaml') };
      return { file: path.join(xdgConfig, 'goose', 'config.yaml') };
  }
}
