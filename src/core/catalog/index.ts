import { BUILTIN_CATALOG } from './builtin.js';
import type { CatalogEntry, ResolvedEntry } from './types.js';
import { NotFoundError } from '../errors.js';
import { printable } from '../names.js';

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

export function findEntry(catalog: readonly ResolvedEntry[], name: string): ResolvedEntry {
  const entry = catalog.find((candidate) => candidate.name === name);
  if (!entry) {
    throw new NotFoundError(`unknown server "${printable(name)}"`, 'run `mcpkey server list` to see the catalog, or `mcpkey server add` to add your own', 'unknown_server');
  }
  return entry;
}
