/**
 * Strict JSON client files (Claude Desktop, Claude Code, Cursor, Windsurf, Cline): parsed whole,
 * merged, and written back with two-space indentation. Pure.
 */
import { parseJsonText } from '../json-text.js';
import { CLIENT_FORMATS, type BuiltEntry, type ClientName } from './formats.js';

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
export function sameJson(a: unknown, b: unknown): boolean {
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
export function mergeClientFile(existing: Record<string, unknown>, client: ClientName, entries: readonly BuiltEntry[], remove: readonly string[] = []): MergeResult {
  const key = CLIENT_FORMATS[client].serversKey;
  const current = isObject(existing[key]) ? existing[key] : {};
  const servers: Record<string, unknown> = { ...current };
  for (const name of remove) delete servers[name];
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
