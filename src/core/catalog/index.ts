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

/** The merged catalog: built-in entries, replaced or extended by the user's own. Sorted by name. */
export function mergeCatalog(userEntries: Record<string, CatalogEntry>): ResolvedEntry[] {
  const merged = new Map<string, ResolvedEntry>();
  for (const entry of BUILTIN_CATALOG) merged.set(entry.name, { ...entry, source: 'builtin' });
  for (const [name, entry] of Object.entries(userEntries)) {
    merged.set(name, { ...entry, source: 'user', ...(builtinByName.has(name) ? { overridesBuiltin: true } : {}) });
  }
  return [...merged.values()].sort((a, b) => a.name.localeCompare(b.name));
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
