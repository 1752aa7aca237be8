import type { ResolvedEntry, SecretSpec } from '../catalog/types.js';
import type { SecretResolver, SecretSource } from '../secrets/resolve.js';

export type AuthKind = 'none' | 'api-key' | 'oauth';

export type OAuthState = 'authorized' | 'expired-refreshable' | 'expired' | 'not-authorized';

export interface OAuthStatus {
  state: OAuthState;
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
  status: async () => ({ state: 'not-authorized' }),
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

export interface Readiness {
  kind: AuthKind;
  ready: boolean;
  secrets: SecretStatus[];
  oauth?: OAuthStatus;
  /** Short descriptions of what is missing, e.g. `neon.api_key` or `oauth authorization`. */
  missing: string[];
  /** The commands that would make the entry ready. */
  nextSteps: string[];
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

export async function readiness(entry: ResolvedEntry, resolver: SecretResolver, grants: GrantStatusSource): Promise<Readiness> {
  const kind = classify(entry);
  const secrets: SecretStatus[] = [];
  for (const spec of entry.secrets) {
    const found = await resolver.resolve(spec.name);
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
  const missing: string[] = [];
  const nextSteps: string[] = [];
  for (const secret of secrets) {
    if (secret.optional || secret.present) continue;
    missing.push(secret.name);
    nextSteps.push(secretSetCommand(secret.name));
  }
  let oauth: OAuthStatus | undefined;
  if (usesOAuth(entry)) {
    oauth = await grants.status(entry.name);
    if (oauth.state === 'not-authorized' || oauth.state === 'expired') {
      missing.push('oauth authorization');
      nextSteps.push(`mcpkey oauth authorize ${entry.name}`);
    }
  }
  return { kind, ready: missing.length === 0, secrets, ...(oauth ? { oauth } : {}), missing, nextSteps };
}
