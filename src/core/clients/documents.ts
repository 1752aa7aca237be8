/**
 * Reading and editing a client's file in its own syntax, keeping everything that is not mcpkey's
 * entry: strict JSON is merged and rewritten (json-file.ts); JSON with comments is edited in place
 * with jsonc-parser, so comments and layout stay; YAML through the `yaml` Document API, which keeps
 * comments; TOML through smol-toml, which does not keep them (said in a warning; the .bak has them).
 * The libraries are loaded on first use only. Pure apart from those imports.
 */
import { CLIENT_FORMATS, type BuiltEntry, type ClientEntry, type ClientName } from './formats.js';
import { mergeClientFile, parseClientFile, renderClientFile, sameJson } from './json-file.js';

export interface ClientDocument {
  /** The entries under the client's servers key, as plain values. */
  servers: Record<string, unknown>;
  /** The file's new text: these entries set (in place when present, else at the end) and these removed. */
  edit(set: readonly BuiltEntry[], remove: readonly string[]): string;
  /** True when rewriting drops comments the file has (TOML). */
  losesComments: boolean;
}

export type OpenedDocument = { ok: true; doc: ClientDocument } | { ok: false; problem: string; comments?: boolean };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What each server's entry would become: added, replaced, or unchanged (already exactly this). */
export function entryActions(doc: ClientDocument, entries: readonly BuiltEntry[]): Record<string, 'added' | 'replaced' | 'unchanged'> {
  const actions: Record<string, 'added' | 'replaced' | 'unchanged'> = {};
  for (const built of entries) {
    const had = Object.prototype.hasOwnProperty.call(doc.servers, built.name);
    actions[built.name] = !had ? 'added' : sameJson(doc.servers[built.name], built.entry) ? 'unchanged' : 'replaced';
  }
  return actions;
}

function openJson(client: ClientName, text: string | undefined): OpenedDocument {
  const parsed = parseClientFile(text, client);
  if (!parsed.ok) return parsed;
  const key = CLIENT_FORMATS[client].serversKey;
  return {
    ok: true,
    doc: {
      servers: isObject(parsed.data[key]) ? parsed.data[key] : {},
      losesComments: false,
      edit: (set, remove) => renderClientFile(mergeClientFile(parsed.data, client, set, remove).data),
    },
  };
}

/** The file's indentation: a tab, or the width of its first indented line (two spaces when none). */
function indentation(text: string): { insertSpaces: boolean; tabSize: number } {
  const first = /^([ \t]+)\S/m.exec(text)?.[1];
  if (first?.startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: first ? Math.min(Math.max(first.length, 2), 8) : 2 };
}

async function openJsonc(client: ClientName, text: string | undefined): Promise<OpenedDocument> {
  const body = (text ?? '').replace(/^\uFEFF/, '');
  // Nothing to keep: written as strict JSON would be.
  if (body.trim() === '') return openJson(client, body);
  const jsonc = await import('jsonc-parser');
  const errors: import('jsonc-parser').ParseError[] = [];
  const data: unknown = jsonc.parse(body, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length > 0) {
    // Not the text around the fault: it may be another server's token.
    const line = body.slice(0, errors[0]!.offset).split('\n').length;
    return { ok: false, problem: `it is not valid JSON (${jsonc.printParseErrorCode(errors[0]!.error)} at line ${line})` };
  }
  if (!isObject(data)) return { ok: false, problem: 'it is not a JSON object' };
  const key = CLIENT_FORMATS[client].serversKey;
  if (data[key] !== undefined && !isObject(data[key])) return { ok: false, problem: `"${key}" is not an object` };
  const formattingOptions = { ...indentation(body), eol: body.includes('\r\n') ? '\r\n' : '\n' };
  return {
    ok: true,
    doc: {
      servers: isObject(data[key]) ? data[key] : {},
      losesComments: false,
      edit: (set, remove) => {
        let out = body;
        for (const name of remove) out = jsonc.applyEdits(out, jsonc.modify(out, [key, name], undefined, { formattingOptions }));
        for (const built of set) {
          // Inserted unformatted, then only the inserted text is laid out: jsonc-parser's own formatting
          // of an edit would re-indent the neighbouring entry as well.
          const edits = jsonc.modify(out, [key, built.name], built.entry, {}).sort((a, b) => a.offset - b.offset);
          out = jsonc.applyEdits(out, edits);
          let shift = 0;
          const ranges = edits.map((e) => {
            const range = { offset: e.offset + shift, length: e.content.length };
            shift += e.content.length - e.length;
            return range;
          });
          for (const range of ranges.reverse()) out = jsonc.applyEdits(out, jsonc.format(out, range, formattingOptions));
        }
        return out;
      },
    },
  };
}

/** A `#` that starts a comment: at the start of a line, or after a value outside quotes (a close guess). */
function hasTomlComment(text: string): boolean {
  return text.split('\n').some((line) => {
    let quote = '';
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i]!;
      if (quote) {
        if (c === '\\' && quote === '"') i += 1;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '#') return true;
    }
    return false;
  });
}

async function openToml(client: ClientName, text: string | undefined): Promise<OpenedDocument> {
  const body = (text ?? '').replace(/^\uFEFF/, '');
  const toml = await import('smol-toml');
  let data: Record<string, unknown>;
  try {
    // BigInt only where a number would lose digits; __proto__ keys refused rather than kept.
    data = toml.parse(body, { integersAsBigInt: 'asNeeded', unsafeKeyBehaviour: 'throw' });
  } catch (error) {
    const line = (error as { line?: number }).line;
    return { ok: false, problem: `it is not valid TOML${typeof line === 'number' ? ` (line ${line})` : ''}` };
  }
  const key = CLIENT_FORMATS[client].serversKey;
  if (data[key] !== undefined && !isObject(data[key])) return { ok: false, problem: `"${key}" is not a table` };
  const current = isObject(data[key]) ? data[key] : {};
  return {
    ok: true,
    doc: {
      servers: current,
      losesComments: hasTomlComment(body),
      edit: (set, remove) => {
        const servers: Record<string, unknown> = { ...current };
        for (const name of remove) delete servers[name];
        for (const built of set) servers[built.name] = built.entry;
        return toml.stringify({ ...data, [key]: servers });
      },
    },
  };
}

async function openYaml(client: ClientName, text: string | undefined): Promise<OpenedDocument> {
  const body = (text ?? '').replace(/^\uFEFF/, '');
  const YAML = await import('yaml');
  const doc = YAML.parseDocument(body, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const line = doc.errors[0]!.linePos?.[0].line;
    return { ok: false, problem: `it is not valid YAML${line ? ` (line ${line})` : ''}` };
  }
  if (doc.contents !== null && !YAML.isMap(doc.contents)) return { ok: false, problem: 'it is not a YAML mapping' };
  const key = CLIENT_FORMATS[client].serversKey;
  const node = doc.get(key, true);
  if (node !== undefined && node !== null && !YAML.isMap(node) && !(YAML.isScalar(node) && node.value === null)) {
    return { ok: false, problem: `"${key}" is not a mapping` };
  }
  let servers: unknown;
  try {
    servers = (doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null)?.[key];
  } catch {
    return { ok: false, problem: 'it uses more YAML aliases than mcpkey expands' };
  }
  return {
    ok: true,
    doc: {
      servers: isObject(servers) ? servers : {},
      losesComments: false,
      edit: (set, remove) => {
        // A null "extensions:" becomes a mapping; everything else, comments included, stays as it was.
        if (!YAML.isMap(doc.get(key, true))) doc.set(key, doc.createNode({}));
        for (const name of remove) doc.deleteIn([key, name]);
        for (const built of set) doc.setIn([key, built.name], doc.createNode(built.entry));
        return doc.toString();
      },
    },
  };
}

/** Parses a client's file (undefined: it does not exist) for reading and editing. */
export async function openClientDocument(client: ClientName, text: string | undefined): Promise<OpenedDocument> {
  switch (CLIENT_FORMATS[client].syntax) {
    case 'json':
      return openJson(client, text);
    case 'jsonc':
      return openJsonc(client, text);
    case 'toml':
      return openToml(client, text);
    case 'yaml':
      return openYaml(client, text);
  }
}

/** The servers key with these entries, in the client's own syntax: what to paste into its file. */
export async function renderSnippet(client: ClientName, snippet: Record<string, Record<string, ClientEntry>>): Promise<string> {
  switch (CLIENT_FORMATS[client].syntax) {
    case 'json':
    case 'jsonc':
      return JSON.stringify(snippet, null, 2);
    case 'toml':
      return (await import('smol-toml')).stringify(snippet).trimEnd();
    case 'yaml':
      return (await import('yaml')).stringify(snippet).trimEnd();
  }
}
