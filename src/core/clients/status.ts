/**
 * What an MCP client's file wires today: every server entry it holds, and for those that go through
 * mcpkey, which mcpkey server they run. Read-only; shared by `mcpkey client status` and `mcpkey doctor`.
 */
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import { decodeUtf8, fileProblem, readBoundedFile } from '../files.js';
import { openClientDocument } from './documents.js';
import { CLIENTS, clientLocation, type ClientName, type LocateOptions } from './formats.js';

export type { ClientName, LocateOptions };

export interface ClientServerRef {
  /** The entry's name in the client's file. */
  name: string;
  /** True when the entry starts `mcpkey run NAME` or asks `mcpkey oauth token NAME` for headers. */
  viaMcpkey: boolean;
  /** The mcpkey server it runs, when viaMcpkey (none for the gateway entry). */
  server?: string;
  /** The entry runs `mcpkey gateway`: every enabled server through one entry. */
  gateway?: true;
}

export interface ClientFileStatus {
  client: ClientName;
  file: string;
  exists: boolean;
  /** Why the file could not be read or understood; servers is then empty. */
  error?: string;
  servers: ClientServerRef[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `mcpkey`, `mcpkey.cmd`, `/usr/local/bin/mcpkey`, `mcpkey@1.2.0` (npx), `…/bin/mcpkey.js` (node). */
function isMcpkeyWord(word: string): boolean {
  const base = win32.basename(posix.basename(word.replace(/^["']|["']$/g, '')));
  return /^mcpkey(?:@[^\s/]*)?(?:\.(?:cmd|exe|js|mjs|ps1))?$/i.test(base);
}

/** The server of `… mcpkey run [options] NAME` in a command line split into words. */
export function serverOfWords(words: readonly string[]): string | undefined {
  for (let i = 0; i < words.length; i += 1) {
    if (!isMcpkeyWord(words[i]!)) continue;
    const verb = words[i + 1];
    if (verb === 'run') return words.slice(i + 2).find((word) => !word.startsWith('-'));
    if (verb === 'oauth' && words[i + 2] === 'token') return words.slice(i + 3).find((word) => !word.startsWith('-'));
  }
  return undefined;
}

/** An entry's command and arguments as words (Zed's older form nests them: {"command": {"path", "args"}}; Goose says "cmd"). */
function commandWords(entry: Record<string, unknown>): string[] {
  const nested = isObject(entry.command) ? entry.command : undefined;
  const command = nested ? nested.path : (entry.command ?? entry.cmd);
  const args = nested ? nested.args : entry.args;
  const words: string[] = [];
  if (typeof command === 'string') words.push(command);
  if (Array.isArray(args)) words.push(...args.filter((arg): arg is string => typeof arg === 'string'));
  return words;
}

/** True when an entry of a client's file runs `mcpkey gateway` (the one entry for every server). */
export function runsGateway(entry: unknown): boolean {
  if (!isObject(entry)) return false;
  const words = commandWords(entry);
  return words.some((word, index) => isMcpkeyWord(word) && words[index + 1] === 'gateway');
}

/** Splits a shell command line (a headers helper) into words, removing simple quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"((?:[^"]|"")*)"|'((?:[^']|'\\'')*)'|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return words;
}

/** The mcpkey server an entry of a client's file runs, if it runs one through mcpkey. */
export function mcpkeyServerOf(entry: unknown): string | undefined {
  if (!isObject(entry)) return undefined;
  const fromCommand = serverOfWords(commandWords(entry));
  if (fromCommand) return fromCommand;
  if (typeof entry.headersHelper === 'string') return serverOfWords(shellWords(entry.headersHelper));
  return undefined;
}

/** The server entries of a client's file (its servers key), in file order. */
export function serversOf(servers: Record<string, unknown>): ClientServerRef[] {
  return Object.entries(servers).map(([name, entry]) => {
    if (runsGateway(entry)) return { name, viaMcpkey: true, gateway: true };
    const server = mcpkeyServerOf(entry);
    return server ? { name, viaMcpkey: true, server } : { name, viaMcpkey: false };
  });
}

/** Reads a client's file as text; undefined when it does not exist. */
async function readText(file: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new Error('it is not UTF-8 text');
  return text;
}

/** The status of one client's file: read, parsed, its servers listed. Never throws for a bad file. */
export async function readClientFile(client: ClientName, file: string, readFile: (file: string) => Promise<string | undefined>): Promise<ClientFileStatus> {
  let text: string | undefined;
  try {
    text = await readFile(file);
  } catch (error) {
    const problem = (error as NodeJS.ErrnoException).code ? fileProblem(error) : (error as Error).message;
    return { client, file, exists: true, error: `cannot read it (${problem})`, servers: [] };
  }
  if (text === undefined) return { client, file, exists: false, servers: [] };
  const opened = await openClientDocument(client, text);
  if (!opened.ok) return { client, file, exists: true, error: `cannot parse it: ${opened.problem}`, servers: [] };
  return { client, file, exists: true, servers: serversOf(opened.doc.servers) };
}

/**
 * Every client's file (or the ones asked for) at the place the client reads it, with the servers it
 * wires. Missing files are reported with exists: false; unreadable or invalid ones with an error.
 */
export async function readClientFiles(options: {
  clients?: ClientName[];
  locate: LocateOptions;
  readFile?: (file: string) => Promise<string | undefined>;
}): Promise<ClientFileStatus[]> {
  const read = options.readFile ?? readText;
  const clients = options.clients ?? [...CLIENTS];
  return Promise.all(clients.map((client) => readClientFile(client, clientLocation(client, options.locate).file, read)));
}

/** Default locate options for this process (HOME, cwd, platform). */
export function defaultLocate(env: Readonly<Record<string, string | undefined>>, cwd: string, platform: NodeJS.Platform = process.platform): LocateOptions {
  return { env, cwd, home: env.HOME || env.USERPROFILE || homedir(), platform };
}
