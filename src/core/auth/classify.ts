import type { ResolvedEntry, SecretSpec } from '../catalog/types.js';
import { findOnPath, isExecutable, launcherHint } from '../run/launchers.js';
import type { SecretResolver, SecretSource } from '../secrets/resolve.js';

export type AuthKind = 'none' | 'api-key' | 'oauth';

export type OAuthState = 'authorized' | 'expired-refreshable' | 'expired' | 'not-authorized';

export interface OAuthStatus {
  status: OAuthState;
  issuer?: string;
  /** ISO 8601. */
  expiresAt?: string;
  scopes?: string[];
}

/** Where OAuth grants live. Until the OAuth client exists, everything reads "not authorized". */
export interface GrantStatusSource {
  status(server: string): Promise<OAuthStatus>;
  /** Removes the local grant; true when there was one. */
  clear(server: string): Promise<boolean>;
}

export const noGrants: GrantStatusSource = {
  status: async () => ({ status: 'not-authorized' }),
  clear: async () => false,
};

export interface SecretStatus {
  name: string;
  env: string;
  description: string;
  url?: string;
  optional: boolean;
  present: boolean;
  source?: SecretSource;
}

/** One thing an entry lacks before it can run; `type` says which. */
export type MissingItem =
  | { type: 'secret'; name: string; env: string }
  | { type: 'oauth' }
  /** A stdio entry's command that is not on PATH. */
  | { type: 'launcher'; command: string }
  /** The entry's current release needs a newer Node.js than this one: `required` like `>=22`. */
  | { type: 'node'; required: string; current: string };

export interface Readiness {
  kind: AuthKind;
  ready: boolean;
  secrets: SecretStatus[];
  oauth?: OAuthStatus;
  missing: MissingItem[];
  /** What would make the entry ready: mcpkey commands, or where to get a missing program. */
  nextSteps: string[];
}

/** What readiness checks of this machine: the launcher on PATH, the Node.js version. */
export interface HostCheck {
  hasCommand(command: string): boolean;
  /** Like `process.versions.node`. */
  nodeVersion: string;
}

/** This machine, as the entries' commands would be started from this process. */
export function systemHost(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): HostCheck {
  const lookup = { PATH: env.PATH ?? env.Path, PATHEXT: env.PATHEXT, platform };
  return { hasCommand: (command) => findOnPath(command, lookup, isExecutable) !== undefined, nodeVersion: process.versions.node };
}

/** The short text of a missing item, as lists show it: `neon.api_key`, `uvx (not installed)`. */
export function describeMissing(item: MissingItem): string {
  switch (item.type) {
    case 'secret':
      return item.name;
    case 'oauth':
      return 'oauth authorization';
    case 'launcher':
      return `${item.command} (not installed)`;
    case 'node':
      return `Node.js ${item.required.replace(/^>=\s*/, '>= ')}`;
  }
}

export function requiredSecrets(entry: ResolvedEntry): SecretSpec[] {
  return entry.secrets.filter((secret) => !secret.optional);
}

/** True when the entry authorizes through OAuth (possibly in addition to API keys). */
export function usesOAuth(entry: ResolvedEntry): boolean {
  if (entry.transport.type !== 'remote' || entry.oauth === false) return false;
  return entry.oauth !== undefined || requiredSecrets(entry).length === 0;
}

/** The primary kind: OAuth when the entry uses it, else an API key when one is required. */
export function classify(entry: ResolvedEntry): AuthKind {
  if (usesOAuth(entry)) return 'oauth';
  return requiredSecrets(entry).length > 0 ? 'api-key' : 'none';
}

export function secretSetCommand(name: string): string {
  return `mcpkey secret set ${name}`;
}

export async function readiness(entry: ResolvedEntry, resolver: SecretResolver, grants: GrantStatusSource, host: HostCheck = systemHost()): Promise<Readiness> {
  const kind = classify(entry);
  const secrets: SecretStatus[] = [];
  for (const spec of entry.secrets) {
    const found = await resolver.locate(spec.name);
    secrets.push({
      name: spec.name,
      env: spec.env,
      description: spec.description,
      ...(spec.url ? { url: spec.url } : {}),
      optional: spec.optional === true,
      present: found !== undefined,
      ...(found ? { source: found.source } : {}),
    });
  }
  const missing: MissingItem[] = [];
  const nextSteps: string[] = [];
  // What the machine lacks comes first: a key set before it would not make the entry run.
  if (entry.transport.type === 'stdio' && !host.hasCommand(entry.transport.command)) {
    missing.push({ type: 'launcher', command: entry.transport.command });
    nextSteps.push(launcherHint(entry.transport.command));
  }
  const needed = entry.requires?.node;
  if (needed !== undefined && Number(host.nodeVersion.split('.')[0]) < needed) {
    missing.push({ type: 'node', required: `>=${needed}`, current: host.nodeVersion });
    nextSteps.push(`upgrade Node.js to ${needed} or newer`);
  }
  for (const secret of secrets) {
    if (secret.optional || secret.present) continue;
    missing.push({ type: 'secret', name: secret.name, env: secret.env });
    nextSteps.push(secretSetCommand(secret.name));
  }
  let oauth: OAuthStatus | undefined;
  if (usesOAuth(entry)) {
    oauth = await grants.status(entry.name);
    if (oauth.status === 'not-authorized' || oauth.status === 'expired') {
      missing.push({ type: 'oauth' });
      nextSteps.push(`mcpkey oauth authorize ${entry.name}`);
    }
  }
  return { kind, ready: missing.length === 0, secrets, ...(oauth ? { oauth } : {}), missing, nextSteps };
}
