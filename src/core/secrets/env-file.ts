import { isAbsolute, resolve } from 'node:path';
import { ConfigError, NotFoundError } from '../errors.js';
import { decodeUtf8, fileProblem, readBoundedFile } from '../files.js';
import type { Env } from '../config/paths.js';
import { parseReference } from '../stores/reference.js';

export const DEFAULT_ENV_FILE = '.env.mcp';

export interface EnvFile {
  path: string;
  values: ReadonlyMap<string, string>;
  /** Lines that are not KEY=VALUE: reported, then ignored, so one typo does not hide every other secret. */
  warnings: string[];
}

export interface EnvFileLocation {
  path: string;
  /** Named by --env-file or MCPKEY_ENV_FILE: then a missing file is an error, not a quiet skip. */
  explicit: boolean;
}

export function locateEnvFile(cwd: string, env: Env, flag?: string): EnvFileLocation {
  const named = flag ?? env.MCPKEY_ENV_FILE;
  if (named) return { path: isAbsolute(named) ? named : resolve(cwd, named), explicit: true };
  return { path: resolve(cwd, DEFAULT_ENV_FILE), explicit: false };
}

const ASSIGNMENT = /^\s*(?:export\s+)?([\w.-]+)\s*(?:=|:\s)/;

/** Finds the lines dotenv would silently drop, keeping track of quoted values that span lines. */
export function malformedLines(text: string): number[] {
  const bad: number[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let openQuote: string | undefined;
  // A quote opens a multi-line value only when a closing quote follows somewhere (as dotenv reads it).
  const closedLater = (from: number, quote: string) => lines.slice(from + 1).some((later) => closesQuote(later, quote));
  lines.forEach((line, index) => {
    if (openQuote) {
      if (closesQuote(line, openQuote)) openQuote = undefined;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      bad.push(index + 1);
      return;
    }
    const rest = line.slice(match[0].length).trimStart();
    const quote = rest[0];
    if ((quote === '"' || quote === "'" || quote === '`') && !closesQuote(rest.slice(1), quote) && closedLater(index, quote)) {
      openQuote = quote;
    }
  });
  return bad;
}

function closesQuote(text: string, quote: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === quote) return true;
  }
  return false;
}

const UNQUOTED_REFERENCE = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*([a-z][a-z0-9-]*:\/\/[^\s'"`#]*#\S*)(?:\s+#.*)?\s*$/;

/**
 * dotenv ends an unquoted value at the first `#`, which would cut `vault://secret/neon#api_key` to
 * another reference (one that may even resolve, to another value). For an unquoted reference to a
 * known store, a comment starts only at whitespace before `#`, as in a shell.
 */
export function keepReferenceFragments(text: string, values: Map<string, string>): void {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const last = new Map<string, number>();
  lines.forEach((line, index) => {
    const key = ASSIGNMENT.exec(line)?.[1];
    if (key) last.set(key, index);
  });
  lines.forEach((line, index) => {
    const match = UNQUOTED_REFERENCE.exec(line);
    if (match && last.get(match[1]!) === index && parseReference(match[2]!)) values.set(match[1]!, match[2]!);
  });
}

/** 1-based numbers of the lines that are not valid UTF-8. */
function undecodableLines(bytes: Buffer): number[] {
  const bad: number[] = [];
  let start = 0;
  for (let line = 1; start <= bytes.length; line += 1) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    if (decodeUtf8(bytes.subarray(start, stop)) === undefined) bad.push(line);
    start = stop + 1;
  }
  return bad;
}

export async function loadEnvFile(location: EnvFileLocation): Promise<EnvFile | undefined> {
  let bytes: Buffer;
  try {
    // A FIFO, a device or a directory is refused before anything is read; so is a file over 10 MiB.
    bytes = await readBoundedFile(location.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !location.explicit) return undefined;
    if (code === 'ENOENT') {
      throw new NotFoundError(`env file ${location.path} does not exist`, 'check --env-file / MCPKEY_ENV_FILE', 'env_file_missing');
    }
    throw new ConfigError(`cannot read env file ${location.path}: ${fileProblem(error)}`, 'point --env-file / MCPKEY_ENV_FILE at a regular file, or check its permissions', 'env_file_unreadable');
  }
  const strict = decodeUtf8(bytes);
  const text = strict ?? bytes.toString('utf8');
  const { parse } = await import('dotenv');
  const values = new Map(Object.entries(parse(text)));
  keepReferenceFragments(text, values);
  const warnings = malformedLines(text).map(
    (line) => `${location.path}:${line} is not KEY=VALUE and was ignored`,
  );
  if (strict === undefined) {
    // Bytes that are not UTF-8 would reach a server as U+FFFD: a changed value. Such values are not used.
    for (const [key, value] of values) if (value.includes('\uFFFD')) values.delete(key);
    for (const line of undecodableLines(bytes)) warnings.push(`${location.path}:${line} is not valid UTF-8; any value on it is not used`);
  }
  return { path: location.path, values, warnings };
}
