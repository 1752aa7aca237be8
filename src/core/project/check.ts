import { classify, readiness, systemHost, type AuthKind, type GrantStatusSource, type HostCheck, type MissingItem, type OAuthStatus } from '../auth/classify.js';
import type { EntrySource, ResolvedEntry } from '../catalog/types.js';
import type { SecretResolver } from '../secrets/resolve.js';
import type { ProjectData } from './file.js';

/** What a project's server lacks on this machine: the shared items, and two of the project's own. */
export type ProjectMissingItem =
  | MissingItem
  /** A reference of the project file whose store did not give the value (not installed, not signed in, no such item). */
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

async function checkServer(name: string, deps: ProjectCheckDeps): Promise<ProjectCheckServer> {
  const entry = deps.catalog.find((candidate) => candidate.name === name);
  if (!entry) {
    return { name, ready: false, missing: [{ type: 'entry' }], nextSteps: [`define "${name}" under "servers" in ${deps.project.file}, or drop it from "enabled"`] };
  }
  const state = await readiness(entry, deps.resolver, deps.grants, deps.host ?? systemHost());
  const missing: ProjectMissingItem[] = [];
  const nextSteps: string[] = [];
  state.missing.forEach((item, index) => {
    const step = state.nextSteps[index]!;
    const failed = item.type === 'secret' ? deps.resolver.referenceErrors.get(item.name) : undefined;
    const reference = item.type === 'secret' ? deps.project.secrets.get(item.name) : undefined;
    if (item.type === 'secret' && failed && reference) {
      missing.push({ type: 'reference', name: item.name, env: item.env, reference: reference.text, code: failed.code, problem: failed.message });
      nextSteps.push(failed.hint ?? step);
    } else {
      missing.push(item);
      nextSteps.push(step);
    }
  });
  return { name, source: entry.source, kind: classify(entry), ready: missing.length === 0, missing, nextSteps, ...(state.oauth ? { oauth: state.oauth } : {}) };
}

/** What this machine lacks for each server the project uses: launchers, secrets, references that do not resolve, grants. */
export async function checkProject(deps: ProjectCheckDeps): Promise<ProjectCheckResult> {
  const servers: ProjectCheckServer[] = [];
  for (const name of projectServerNames(deps.project)) servers.push(await checkServer(name, deps));
  const warnings = deps.resolver.keychainError ? [`${deps.resolver.keychainError.message}; secrets were looked up in env, .env.mcp and the project's references only`] : [];
  if (servers.length === 0) warnings.push(`${deps.project.file} enables no server`);
  // A reference that failed while a local value (the keychain) stood in: ready, but not through the project.
  const reported = new Set(servers.flatMap((server) => server.missing.flatMap((item) => (item.type === 'reference' ? [item.name] : []))));
  for (const [name, error] of deps.resolver.referenceErrors) {
    if (!reported.has(name)) warnings.push(`${name}: ${error.message}; this machine's own value is used instead`);
  }
  return { file: deps.project.file, ready: servers.every((server) => server.ready), servers, warnings };
}
