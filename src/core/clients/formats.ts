/**
 * How MCP clients (Claude Desktop, Claude Code, Cursor, VS Code) describe their servers, where they
 * keep that description, and how mcpkey's entries are merged into it. Pure: no file system, no terminal.
 *
 * Every entry mcpkey writes calls `mcpkey run NAME` (or, for Claude Code and a remote OAuth server,
 * `mcpkey oauth token NAME --json` as a headers helper), so no secret value ever lands in a client's file.
 */
import { posix, win32 } from 'node:path';
import { requiredSecrets, usesOAuth } from '../auth/classify.js';
import type { ResolvedEntry } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import { parseJsonText } from '../json-text.js';

export const CLIENTS = ['claude-desktop', 'claude-code', 'cursor', 'vscode'] as const;
export type ClientName = (typeof CLIENTS)[number];

export function isClientName(name: string): name is ClientName {
  return (CLIENTS as readonly string[]).includes(name);
}

export interface ClientFormat {
  name: ClientName;
  title: string;
  /** The top-level key of the client's file that maps server names to entries. */
  serversKey: 'mcpServers' | 'servers';
  /** user: one file per user; project: a file in the current directory. */
  scope: 'user' | 'project';
}

export const CLIENT_FORMATS: Readonly<Record<ClientName, ClientFormat>> = {
  'claude-desktop': { name: 'claude-desktop', title: 'Claude Desktop', serversKey: 'mcpServers', scope: 'user' },
  'claude-code': { name: 'claude-code', title: 'Claude Code', serversKey: 'mcpServers', scope: 'project' },
  cursor: { name: 'cursor', title: 'Cursor', serversKey: 'mcpServers', scope: 'user' },
  // VS Code's own format uses "servers", not "mcpServers".
  vscode: { name: 'vscode', title: 'VS Code', serversKey: 'servers', scope: 'project' },
};

export interface LocateOptions {
  env: Env;
  cwd: string;
  home: string;
  platform: NodeJS.Platform;
  /** Cursor only: the project's `.cursor/mcp.json` instead of the global `~/.cursor/mcp.json`. */
  project?: boolean;
}

export interface ClientLocation {
  file: string;
  /** Set when the location is not one the client documents. */
  note?: string;
}

/** Where a client reads its MCP servers from, by default. */
export function clientLocation(client: ClientName, options: LocateOptions): ClientLocation {
  const path = options.platform === 'win32' ? win32 : posix;
  const { env, home, cwd } = options;
  switch (client) {
    case 'claude-desktop':
      if (options.platform === 'darwin') return { file: path.join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json') };
      if (options.platform === 'win32') return { file: path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json') };
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
      return options.project ? { file: path.resolve(cwd, '.cursor', 'mcp.json') } : { file: path.join(home, '.cursor', 'mcp.json') };
    case 'vscode':
      return { file: path.resolve(cwd, '.vscode', 'mcp.json') };
  }
}

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
  /** run: a stdio entry that runs `mcpkey run NAME`; headers-helper: the client connects itself, asking mcpkey for headers. */
  via: 'run' | 'headers-helper';
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
  const args = ['run', name];
  switch (client) {
    case 'claude-desktop':
    case 'cursor':
      return { name, via: 'run', entry: { command: options.command, args } };
    case 'claude-code':
      // The shape `claude mcp add --scope project` writes.
      return { name, via: 'run', entry: { type: 'stdio', command: options.command, args, env: {} } };
    case 'vscode':
      return { name, via: 'run', entry: { type: 'stdio', command: options.command, args } };
  }
}

/** The object to merge into the client's file: `{ "<serversKey>": { "<name>": entry, … } }`. */
export function buildSnippet(client: ClientName, entries: readonly BuiltEntry[]): Record<string, Record<string, ClientEntry>> {
  const servers: Record<string, ClientEntry> = {};
  for (const built of entries) servers[built.name] = built.entry;
  return { [CLIENT_FORMATS[client].serversKey]: servers };
}

export type ParsedClientFile = { ok: true; data: Record<string, unknown> } | { ok: false; problem: string; comments?: boolean };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The line of the first `//` or `/* … *\/` comment outside a string, if any. VS Code (and others) accept
 * JSON with comments; mcpkey does not rewrite such a file, because writing it back would drop them.
 */
export function findComment(text: string): number | undefined {
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\n') line += 1;
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return line;
  }
  return undefined;
}

/**
 * Parses a client's file. A missing file is `undefined` text and means `{}`; so does an empty one (it
 * holds nothing to lose). Anything else must be a JSON object whose servers key, if present, is an object.
 */
export function parseClientFile(text: string | undefined, client: ClientName): ParsedClientFile {
  const body = (text ?? '').replace(/^\uFEFF/, '');
  if (body.trim() === '') return { ok: true, data: {} };
  // Not JSON.parse's own message: it quotes the text around the fault, perhaps another server's token.
  const parsed = parseJsonText(body);
  if (!parsed.ok) {
    const line = findComment(body);
    if (line !== undefined) return { ok: false, comments: true, problem: `it has comments (line ${line}), which JSON does not allow` };
    return { ok: false, problem: `it is ${parsed.problem}` };
  }
  const data = parsed.value;
  if (!isObject(data)) return { ok: false, problem: 'it is not a JSON object' };
  const key = CLIENT_FORMATS[client].serversKey;
  if (data[key] !== undefined && !isObject(data[key])) return { ok: false, problem: `"${key}" is not an object` };
  return { ok: true, data };
}

export interface MergeResult {
  data: Record<string, unknown>;
  /** unchanged: the file already had exactly this entry. */
  actions: Record<string, 'added' | 'replaced' | 'unchanged'>;
}

/** Equal as JSON values, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameJson(a[key], b[key]));
  }
  return a === b;
}

/**
 * Merges our entries under the client's servers key. Every other key and every other server stays as
 * it was, in its place; an entry of the same name is replaced in place.
 */
export function mergeClientFile(existing: Record<string, unknown>, client: ClientName, entries: readonly BuiltEntry[]): MergeResult {
  const key = CLIENT_FORMATS[client].serversKey;
  const current = isObject(existing[key]) ? existing[key] : {};
  const servers: Record<string, unknown> = { ...current };
  const actions: MergeResult['actions'] = {};
  for (const built of entries) {
    const had = Object.prototype.hasOwnProperty.call(current, built.name);
    actions[built.name] = !had ? 'added' : sameJson(current[built.name], built.entry) ? 'unchanged' : 'replaced';
    servers[built.name] = built.entry;
  }
  return { data: { ...existing, [key]: servers }, actions };
}

/** How mcpkey writes a client's file: two-space indentation and a final newline. */
export function renderClientFile(data: Record<string, unknown>): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
