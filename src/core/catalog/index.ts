import { BUILTIN_CATALOG } from './builtin.js';
import type { CatalogEntry, ResolvedEntry } from './types.js';
import { NotFoundError } from '../errors.js';
import { printable } from '../names.js';
import { closest } from '../suggest.js';

export type { CatalogEntry, ResolvedEntry, SecretSpec, Transport, OAuthSpec } from './types.js';

const builtinByName = new Map(BUILTIN_CATALOG.map((entry) => [entry.name, entry]));

export function builtinEntry(name: string): CatalogEntry | undefined {
  return builtinByName.get(name);
}

/** Server-name characters in the order the root (and en) collation puts them: `_`, `-`, digits, letters. */
const NAME_ORDER = new Map([...'_-0123456789abcdefghijklmnopqrstuvwxyz'].map((char, rank) => [char, rank]));
const NAME_FORM = /^[a-z0-9_-]*$/;

/**
 * The order `localeCompare` gives server names, without starting the ICU collator (~10 ms) on every
 * listing; a name outside the server-name alphabet still goes through it.
 */
export function compareNames(a: string, b: string): number {
  if (!NAME_FORM.test(a) || !NAME_FORM.test(b)) return a.localeCompare(b);
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const diff = NAME_ORDER.get(a[index]!)! - NAME_ORDER.get(b[index]!)!;
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/**
 * The merged catalog: built-in entries, replaced or extended by the user's own, and those by the
 * project's (mcpkey.json) when mcpkey runs inside one. Sorted by name.
 */
export function mergeCatalog(userEntries: Record<string, CatalogEntry>, projectEntries: Record<string, CatalogEntry> = {}): ResolvedEntry[] {
  const merged = new Map<string, ResolvedEntry>();
  for (const entry of BUILTIN_CATALOG) merged.set(entry.name, { ...entry, source: 'builtin' });
  for (const [name, entry] of Object.entries(userEntries)) {
    merged.set(name, { ...entry, source: 'user', ...(builtinByName.has(name) ? { overridesBuiltin: true } : {}) });
  }
  for (const [name, entry] of Object.entries(projectEntries)) merged.set(name, { ...entry, source: 'project' });
  return [...merged.values()].sort((a, b) => compareNames(a.name, b.name));
}

/** An unknown server name, and the catalog name closest to it, if any (the CLI turns it into the whole corrected command). */
export class UnknownServerError extends NotFoundError {
  constructor(
    message: string,
    hint: string,
    /** The name as typed. */
    readonly typed: string,
    readonly suggestion: string | undefined,
  ) {
    super(message, hint, 'unknown_server');
  }
}

/** The entry of that name; an unknown name fails with exit 3 and, when one is close (`fetc`), the name meant. */
export function findEntry(catalog: readonly ResolvedEntry[], name: string): ResolvedEntry {
  const entry = catalog.find((candidate) => candidate.name === name);
  if (!entry) {
    const meant = closest(name, catalog.map((candidate) => candidate.name));
    const hint = meant
      ? `did you mean \`${meant}\`? (\`mcpkey server list\` shows the catalog)`
      : 'run `mcpkey server list` to see the catalog, or `mcpkey server add` to add your own';
    throw new UnknownServerError(`unknown server "${printable(name)}"`, hint, name, meant);
  }
  return entry;
}
