/**
 * How MCP clients describe their servers: the file syntax, the key that holds the servers, and the
 * shape of one entry. Where the files are: locations.ts; reading and editing them: documents.ts.
 * Pure: no file system, no terminal.
 *
 * Every entry mcpkey writes calls `mcpkey run NAME` (or, for Claude Code and a remote OAuth server,
 * `mcpkey oauth token NAME --json` as a headers helper), or is the one `mcpkey gateway` entry, so no
 * secret value ever lands in a client's file.
 */
import { requiredSecrets, usesOAuth } from '../auth/classify.js';
import type { ResolvedEntry } from '../catalog/types.js';

export { clientLocation, PROJECT_CLIENTS, type ClientLocation, type LocateOptions } from './locations.js';
export { findComment, mergeClientFile, parseClientFile, renderClientFile, type MergeResult, type ParsedClientFile } from './json-file.js';

export const CLIENTS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'cline', 'zed', 'gemini', 'codex', 'goose'] as const;
export type ClientName = (typeof CLIENTS)[number];

export function isClientName(name: string): name is ClientName {
  return (CLIENTS as readonly string[]).includes(name);
}

/** json: strict JSON (comments are refused); jsonc: JSON with comments, edited in place; toml; yaml. */
export type FileSyntax = 'json' | 'jsonc' | 'toml' | 'yaml';

export interface ClientFormat {
  name: ClientName;
  title: string;
  /** The top-level key of the client's file that maps server names to entries. */
  serversKey: 'mcpServers' | 'servers' | 'context_servers' | 'mcp_servers' | 'extensions';
  syntax: FileSyntax;
  /** user: one file per user; project: a file in the current directory. */
  scope: 'user' | 'project';
}

const format = (name: ClientName, title: string, serversKey: ClientFormat['serversKey'], syntax: FileSyntax, scope: ClientFormat['scope'] = 'user'): ClientFormat => ({
  name,
  title,
  serversKey,
  syntax,
  scope,
});

// Sources of each format (file syntax, servers key, entry fields); the locations are in locations.ts.
export const CLIENT_FORMATS: Readonly<Record<ClientName, ClientFormat>> = {
  'claude-desktop': format('claude-desktop', 'Claude Desktop', 'mcpServers', 'json'),
  'claude-code': format('claude-code', 'Claude Code', 'mcpServers', 'json', 'project'),
  cursor: format('cursor', 'Cursor', 'mcpServers', 'json'),
  // code.visualstudio.com/docs/copilot/customization/mcp-servers: "servers", not "mcpServers"; VS Code
  // reads its JSON files with comments, so a commented file is edited in place, comments kept.
  vscode: format('vscode', 'VS Code', 'servers', 'jsonc', 'project'),
  // docs.windsurf.com/windsurf/cascade/mcp: "the same schema as the config file for Claude Desktop".
  windsurf: format('windsurf', 'Windsurf', 'mcpServers', 'json'),
  // docs.cline.bot/mcp/configuring-mcp-servers and cline/cline src/services/mcp/schemas.ts: mcpServers of
  // {type?: "stdio", command, args, env, disabled, autoApprove}; read with JSON.parse (no comments).
  cline: format('cline', 'Cline', 'mcpServers', 'json'),
  // zed.dev/docs/ai/mcp: "context_servers" of {command, args, env} in settings.json, which is JSON with
  // comments (zed.dev/docs/configuring-zed).
  zed: format('zed', 'Zed', 'context_servers', 'jsonc'),
  // geminicli.com/docs/tools/mcp-server: "mcpServers" of {command, args, env, cwd, timeout, trust} in
  // settings.json, which Gemini CLI reads with strip-json-comments (google-gemini/gemini-cli
  // packages/cli/src/config/settings.ts).
  gemini: format('gemini', 'Gemini CLI', 'mcpServers', 'jsonc'),
  // developers.openai.com/codex/config-reference and openai/codex docs/config.md: TOML tables
  // [mcp_servers.NAME] with command, args, env.
  codex: format('codex', 'Codex CLI', 'mcp_servers', 'toml'),
  // block.github.io/goose/docs/guides/config-files: YAML "extensions" map; a local server is
  // {type: stdio, name, enabled, cmd, args, envs, env_keys, timeout}.
  goose: format('goose', 'Goose', 'extensions', 'yaml'),
};

/** A client's entry for one server: a JSON object in that client's format. */
export type ClientEntry = Record<string, unknown>;

export interface EntryOptions {
  /** The mcpkey executable the client runs: `mcpkey`, or an absolute path (--command). */
  command: string;
  platform: NodeJS.Platform;
}

export interface BuiltEntry {
  name: string;
  entry: ClientEntry;
  /**
   * run: a stdio entry that runs `mcpkey run NAME`; headers-helper: the client connects itself, asking
   * mcpkey for headers; gateway: the one entry that runs `mcpkey gateway` for every server.
   */
  via: 'run' | 'headers-helper' | 'gateway';
}

/**
 * Claude Code's `headersHelper`: a command whose stdout is a JSON object of headers, run when it
 * connects to an HTTP server. Evidence, from the docs search: Claude Code's own issue tracker shows
 * `.mcp.json` entries `{"type":"http","url":…,"headersHelper":"./get-token.sh"}` with the helper printing
 * `{"Authorization":"Bearer …"}` (anthropics/claude-code#48514, #47789), and its MCP code has a
 * getMcpHeadersFromHelper for HTTP/SSE configs. We use it only where that evidence is direct: a
 * streamable-HTTP server authorized by OAuth alone, whose only header is Authorization (exactly what
 * `mcpkey oauth token NAME --json` prints). SSE servers, servers with header templates or API keys, and
 * every other client go through the stdio bridge, `mcpkey run NAME`, which needs no client support at all.
 */
export function usesHeadersHelper(client: ClientName, entry: ResolvedEntry): boolean {
  const transport = entry.transport;
  return (
    client === 'claude-code' &&
    transport.type === 'remote' &&
    transport.transport === 'streamable-http' &&
    usesOAuth(entry) &&
    requiredSecrets(entry).length === 0 &&
    Object.keys(transport.headers ?? {}).length === 0
  );
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./\\-]+$/;

/** Quotes a word for the shell a headers helper runs in (POSIX sh; cmd.exe on Windows). */
export function shellQuote(word: string, platform: NodeJS.Platform): string {
  if (SHELL_SAFE.test(word)) return word;
  if (platform === 'win32') return `"${word.replace(/"/g, '""')}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function buildClientEntry(client: ClientName, entry: ResolvedEntry, options: EntryOptions): BuiltEntry {
  const name = entry.name;
  if (usesHeadersHelper(client, entry) && entry.transport.type === 'remote') {
    return {
      name,
      via: 'headers-helper',
      entry: { type: 'http', url: entry.transport.url, headersHelper: `${shellQuote(options.command, options.platform)} oauth token ${name} --json` },
    };
  }
  // Local servers, and remote ones through mcpkey's stdio↔HTTP bridge: the client starts `mcpkey run NAME`,
  // which injects the secrets (or the OAuth token) itself. No env: nothing secret, nothing to configure.
  return { name, via: 'run', entry: stdioEntry(client, name, options.command, ['run', name]) };
}

/** The name of the gateway's entry in a client's file. */
export const GATEWAY_ENTRY = 'mcpkey';

/**
 * The single entry that runs `mcpkey gateway`: every enabled server (or `servers`, as --servers)
 * through one MCP server, secrets and grants injected by mcpkey as for `run`.
 */
export function buildGatewayEntry(client: ClientName, options: EntryOptions & { servers?: readonly string[] }): BuiltEntry {
  const args = ['gateway', ...(options.servers && options.servers.length > 0 ? ['--servers', options.servers.join(',')] : [])];
  return { name: GATEWAY_ENTRY, via: 'gateway', entry: stdioEntry(client, GATEWAY_ENTRY, options.command, args) };
}

/** A client's entry for a program it starts and talks to on stdio, in that client's shape. */
function stdioEntry(client: ClientName, name: string, command: string, args: string[]): ClientEntry {
  switch (client) {
    case 'claude-desktop':
    case 'cursor':
    case 'windsurf':
    case 'gemini':
    case 'codex':
      return { command, args };
    case 'claude-code':
      // The shape `claude mcp add --scope project` writes.
      return { type: 'stdio', command, args, env: {} };
    case 'vscode':
    case 'cline':
      return { type: 'stdio', command, args };
    case 'zed':
      return { command, args, env: {} };
    case 'goose':
      // Goose's entry names its extension again and says how long a tool call may take (its default, 300 s).
      return { type: 'stdio', name, enabled: true, cmd: command, args, envs: {}, env_keys: [], timeout: 300 };
  }
}

/** The object to merge into the client's file: `{ "<serversKey>": { "<name>": entry, … } }`. */
export function buildSnippet(client: ClientName, entries: readonly BuiltEntry[]): Record<string, Record<string, ClientEntry>> {
  const servers: Record<string, ClientEntry> = {};
  for (const built of entries) servers[built.name] = built.entry;
  return { [CLIENT_FORMATS[client].serversKey]: servers };
}

