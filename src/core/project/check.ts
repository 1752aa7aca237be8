import { classify, readiness, requiredSecrets, systemHost, type AuthKind, type GrantStatusSource, type HostCheck, type MissingItem, type OAuthStatus } from '../auth/classify.js';
import type { EntrySource, ResolvedEntry } from '../catalog/types.js';
import { CliError } from '../errors.js';
import type { SecretResolver } from '../secrets/resolve.js';
import type { ProjectData } from './file.js';

/** What a project's server lacks on this machine: the shared items, and two of the project's own. */
export type ProjectMissingItem =
  | MissingItem
  /** A reference (of the project file, .env.mcp or the keychain) whose store did not give the value: not installed, not signed in, no such item. */
  | { type: 'reference'; name: string; env: string; reference: string; code: string; problem: string }
  /** A name the project enables that neither mcpkey, the user's config nor the project file defines. */
  | { type: 'entry' };

export interface ProjectCheckServer {
  name: string;
  /** Absent for a name no catalog defines. */
  source?: EntrySource;
  kind?: AuthKind;
  ready: boolean;
  missing: ProjectMissingItem[];
  nextSteps: string[];
  oauth?: OAuthStatus;
}

export interface ProjectCheckResult {
  file: string;
  ready: boolean;
  servers: ProjectCheckServer[];
  warnings: string[];
}

export interface ProjectCheckDeps {
  project: ProjectData;
  catalog: readonly ResolvedEntry[];
  resolver: SecretResolver;
  grants: GrantStatusSource;
  host?: HostCheck;
}

/** The servers a project uses: its enabled set, or, without one, the entries it defines. */
export function projectServerNames(project: ProjectData): string[] {
  return project.enabled ?? Object.keys(project.servers);
}

/**
 * Each reference the entry's required secrets are located at, resolved (in parallel, once per
 * reference): one whose store does not give the value is as good as missing. Values are dropped at once.
 */
async function unresolved(entry: ResolvedEntry, deps: ProjectCheckDeps): Promise<Array<{ item: ProjectMissingItem; step: string }>> {
  const located = await Promise.all(requiredSecrets(entry).map(async (spec) => ({ spec, found: await deps.resolver.locate(spec.name) })));
  const failures = await Promise.all(
    located.map(async ({ spec, found }) => {
      if (!found?.reference) return undefined;
      try {
        await deps.resolver.valueOf(found);
        return undefined;
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        const item: ProjectMissingItem = { type: 'reference', name: spec.name, env: spec.env, reference: found.reference.text, code: error.code, problem: error.message };
        return { item, step: error.hint ?? `check the reference ${found.reference.text}` };
      }
    }),
  );
  return failures.filter((failure) => failure !== undefined);
}

async function checkServer(name: string, deps: ProjectCheckDeps): Promise<ProjectCheckServer> {
  const entry = deps.catalog.find((candidate) => candidate.name === name);
  if (!entry) {
    return { name, ready: false, missing: [{ type: 'entry' }], nextSteps: [`define "${name}" under "servers" in ${deps.project.file}, or drop it from "enabled"`] };
  }
  const state = await readiness(entry, deps.resolver, deps.grants, deps.host ?? systemHost());
  const missing: ProjectMissingItem[] = [...state.missing];
  const nextSteps = [...state.nextSteps];
  for (const { item, step } of await unresolved(entry, deps)) {
    missing.push(item);
    nextSteps.push(step);
  }
  return { name, source: entry.source, kind: classify(entry), ready: missing.length === 0, missing, nextSteps, ...(state.oauth ? { oauth: state.oauth } : {}) };
}

/** What this machine lacks for each server the project uses: launchers, secrets, references that do not resolve, grants. */
export async function checkProject(deps: ProjectCheckDeps): Promise<ProjectCheckResult> {
  const servers: ProjectCheckServer[] = [];
  for (const name of projectServerNames(deps.project)) servers.push(await checkServer(name, deps));
  const warnings = deps.resolver.keychainError ? [`${deps.resolver.keychainError.message}; secrets were looked up in env, .env.mcp and the project's references only`] : [];
  if (servers.length === 0) warnings.push(`${deps.project.file} enables no server`);
  return { file: deps.project.file, ready: servers.every((server) => server.ready), servers, warnings };
}
