import type { CatalogEntry, ResolvedEntry } from '../catalog/types.js';
import { staleEnabled, type ConfigData } from '../config/store.js';
import type { SecretResolver, SecretSource } from '../secrets/resolve.js';
import { literalCredentialIn } from './literal.js';
import type { ProjectData } from './file.js';

/** A secret the project needs that has no reference yet: a teammate must get it some other way. */
export interface NeedsReference {
  name: string;
  env: string;
  server: string;
  /** Where this machine holds a value for it, if anywhere (the value is never written to the project). */
  storedIn?: SecretSource;
}

export interface ProjectDraft {
  /** The file's content: version, enabled, servers, secrets. */
  content: { version: 1; enabled: string[]; servers: Record<string, CatalogEntry>; secrets: Record<string, string> };
  needsReference: NeedsReference[];
  warnings: string[];
}

export interface ProjectDraftDeps {
  config: ConfigData;
  catalog: readonly ResolvedEntry[];
  resolver: SecretResolver;
  /** The project file mcpkey runs in now, if any: its references are kept. */
  existing?: ProjectData;
}

/** The entry as `server add` writes it: without what the catalog adds when merging. */
function plainEntry(entry: ResolvedEntry): CatalogEntry {
  const { source: _source, overridesBuiltin: _overrides, ...plain } = entry;
  return plain;
}

/**
 * A reference this machine already uses for `name`: the current project's, one in .env.mcp, or one kept
 * in the keychain (`secret set --ref`). Located, never resolved: no store is asked to write a file.
 */
async function knownReference(name: string, deps: ProjectDraftDeps): Promise<string | undefined> {
  const fromProject = deps.existing?.secrets.get(name)?.text;
  if (fromProject) return fromProject;
  for (const found of [deps.resolver.fromEnvFile(name), await deps.resolver.fromKeychain(name)]) {
    if (found?.reference) return found.reference.text;
  }
  return undefined;
}

/** The project file for the current setup: the enabled servers, the user's and project's entries among them, references only. */
export async function draftProject(deps: ProjectDraftDeps): Promise<ProjectDraft> {
  const warnings: string[] = [];
  const stale = new Set(staleEnabled(deps.config.enabled, deps.catalog));
  for (const name of stale) warnings.push(`"${name}" is enabled but in no catalog; left out`);
  const enabled: string[] = [];
  const servers: Record<string, CatalogEntry> = {};
  const secrets: Record<string, string> = {};
  const needsReference: NeedsReference[] = [];
  for (const name of deps.config.enabled.filter((candidate) => !stale.has(candidate))) {
    const entry = deps.catalog.find((candidate) => candidate.name === name)!;
    if (entry.source !== 'builtin') {
      // config.json may hold a plain --env value that looks like a key: it stays on this machine.
      const where = literalCredentialIn(entry);
      if (where) {
        warnings.push(`"${name}" left out: its ${where} looks like a literal credential; make it a secret (mcpkey server add ${name} --force --secret …) and run project init again`);
        continue;
      }
      servers[name] = plainEntry(entry);
    }
    enabled.push(name);
    for (const spec of entry.secrets) {
      const reference = await knownReference(spec.name, deps);
      if (reference) {
        secrets[spec.name] = reference;
        continue;
      }
      if (spec.optional) continue;
      const found = await deps.resolver.locate(spec.name);
      needsReference.push({ name: spec.name, env: spec.env, server: name, ...(found ? { storedIn: found.source } : {}) });
    }
  }
  if (deps.resolver.keychainError) warnings.push(`${deps.resolver.keychainError.message}; references kept in the keychain were not seen`);
  return { content: { version: 1, enabled, servers, secrets }, needsReference, warnings };
}
