import type { GrantKind, GrantSettings } from '../../catalog/types.js';
import { CliError } from '../../errors.js';
import { dpopOptions, type DPoPKey } from '../dpop.js';
import { OAuthError } from '../errors.js';
import { grantFromTokens } from '../grant.js';
import type { AuthServerMetadata } from '../metadata.js';
import { oauthFailure } from '../openid.js';
import type { OAuthStore, StoredGrant } from '../store.js';
import { settingsOf } from './settings.js';
import type { Credentials, Grant } from './types.js';

export type { Credentials, Grant, GrantContext, GrantOutcome } from './types.js';
export { isMachineGrant } from './settings.js';

/** One file per grant, loaded only when used. The enterprise grant (grants/enterprise.ts) registers here too. */
const GRANTS: Partial<Record<GrantKind, () => Promise<Grant>>> = {
  'client-credentials': async () => (await import('./client-credentials.js')).clientCredentials,
  'jwt-bearer': async () => (await import('./jwt-bearer.js')).jwtBearer,
  enterprise: async () => (await import('./enterprise.js')).enterprise,
};

/** What one run of a grant without a person needs: the same for the first run and every renewal. */
export interface GrantRun {
  server: string;
  /** RFC 8707 resource, also kept on the grant. */
  resource: string;
  noResourceIndicator?: boolean;
  metadata: AuthServerMetadata;
  clientId: string;
  settings: GrantSettings;
  scope?: string;
  /** The key to bind the tokens to (RFC 9449): made for a new grant, the stored one for a renewal. */
  dpop?: DPoPKey;
}

/** Refusals that no retry and no other grant would fix: one line, exit 7, with what to check. */
const REFUSAL_HINTS: Record<string, string> = {
  invalid_grant: 'the authorization server refused the assertion: check its issuer, audience and expiry, and the trust configured at the server',
  invalid_scope: 'ask for a scope the client may have (--scope), or have the operator grant it',
  unauthorized_client: 'this client may not use this grant; ask the operator to allow it',
  invalid_client: 'check the client ID and its secret or private key',
};

/** A 401 with `WWW-Authenticate` (client authentication failed) carries its error code in the challenge. */
function challengeError(error: unknown): unknown {
  const e = error as { name?: string; cause?: Array<{ parameters?: { error?: string; error_description?: string } }> };
  const parameters = e.name === 'WWWAuthenticateChallengeError' ? e.cause?.[0]?.parameters : undefined;
  return parameters?.error ? { name: 'ResponseBodyError', error: parameters.error, error_description: parameters.error_description } : error;
}

function refused(cause: unknown, run: GrantRun, kind: GrantKind): CliError {
  // A local problem (an option, an unknown IdP, a missing sign-in) keeps its own code and exit code.
  if (cause instanceof CliError && !(cause instanceof OAuthError)) return cause;
  const error = oauthFailure(challengeError(cause), `the ${kind} grant for ${run.server}`);
  const hint = REFUSAL_HINTS[error.code];
  return hint ? new OAuthError(error.message, hint, error.code) : error;
}

/** Runs the grant once at the token endpoint and returns the grant to keep (not stored here). */
export async function runGrant(run: GrantRun, credentials: Credentials, now: () => number = Date.now): Promise<StoredGrant> {
  const kind = run.settings.grant ?? 'authorization-code';
  const load = GRANTS[kind];
  if (!load) throw new OAuthError(`the ${kind} grant cannot run without a browser`, `run \`mcpkey oauth authorize ${run.server}\``, 'grant_unsupported');
  const grant = await load();
  const supported = run.metadata.grant_types_supported;
  if (Array.isArray(supported) && !supported.includes(grant.grantType)) {
    throw new OAuthError(`${run.metadata.issuer} does not offer the ${kind} grant (${grant.grantType})`, 'ask the operator to enable it, or authorize without --grant', 'grant_unsupported');
  }
  let outcome;
  try {
    outcome = await grant.obtain({
      server: run.server,
      metadata: run.metadata,
      clientId: run.clientId,
      settings: run.settings,
      ...(run.noResourceIndicator ? {} : { resource: run.resource }),
      ...(run.scope ? { scope: run.scope } : {}),
      credentials,
      dpop: await dpopOptions(run.dpop, run.server),
    });
  } catch (error) {
    throw refused(error, run, kind);
  }
  const stored = grantFromTokens(outcome.tokens, {
    server: run.server,
    resource: run.resource,
    metadata: run.metadata,
    client: { kind: 'pre-registered', clientId: run.clientId, authMethod: outcome.authMethod },
    ...(run.scope ? { requestedScope: run.scope } : {}),
    now: now(),
    ...(run.noResourceIndicator ? { noResourceIndicator: true } : {}),
    ...(run.dpop ? { dpop: run.dpop } : {}),
  });
  // The client authentication found on the first run is the one every renewal uses.
  return { ...stored, grant: kind, settings: settingsOf({ ...run.settings, clientAuth: outcome.authMethod }) };
}

/**
 * Runs a stored grant's grant again (its access token expired, or the server refused it): the caller
 * holds the per-server refresh lock, so concurrent callers cause one request. The new grant is stored.
 */
export async function renewGrant(grant: StoredGrant, deps: { store: OAuthStore; credentials: Credentials; now?: () => number }): Promise<StoredGrant> {
  const renewed = await runGrant(
    {
      server: grant.server,
      resource: grant.resource,
      ...(grant.noResourceIndicator ? { noResourceIndicator: true } : {}),
      metadata: { issuer: grant.issuer, token_endpoint: grant.tokenEndpoint, ...(grant.revocationEndpoint ? { revocation_endpoint: grant.revocationEndpoint } : {}) },
      clientId: grant.clientId,
      settings: { ...grant.settings, grant: grant.grant ?? 'authorization-code' },
      ...(grant.requestedScope ? { scope: grant.requestedScope } : {}),
      ...(grant.dpop ? { dpop: grant.dpop } : {}),
    },
    deps.credentials,
    deps.now,
  );
  await deps.store.saveGrant(renewed);
  return renewed;
}
