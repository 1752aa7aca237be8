import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { withLock } from '../lock.js';
import type { AuthServerMetadata } from './metadata.js';
import { notAuthorized, OAuthError } from './errors.js';
import { grantFromTokens } from './grant.js';
import { configuration, oauthFailure, openidClient } from './openid.js';
import type { OAuthStore, StoredGrant } from './store.js';

export interface TokenDeps {
  store: OAuthStore;
  /** Where the per-server refresh locks live (the config directory). */
  lockDir: string;
  now?: () => number;
}

/** Refresh this long before expiry, so a token handed out is still good when it is used. */
export const REFRESH_MARGIN_MS = 60_000;

function metadataOf(grant: StoredGrant): AuthServerMetadata {
  return {
    issuer: grant.issuer,
    token_endpoint: grant.tokenEndpoint,
    ...(grant.revocationEndpoint ? { revocation_endpoint: grant.revocationEndpoint } : {}),
  };
}

async function clientOf(grant: StoredGrant, store: OAuthStore): Promise<{ clientId: string; clientSecret?: string; authMethod: StoredGrant['authMethod'] }> {
  let secret: string | undefined;
  if (grant.authMethod !== 'none') {
    // Only the secret of this very client: a registration replaced since must not lend it its secret.
    const record = grant.client === 'dynamic' ? await store.dynamicClient(grant.issuer) : grant.client === 'pre-registered' ? await store.preRegistered(grant.server) : undefined;
    if (record?.clientId === grant.clientId) secret = record.clientSecret;
  }
  return { clientId: grant.clientId, authMethod: grant.authMethod, ...(secret ? { clientSecret: secret } : {}) };
}

/**
 * Good for longer than the margin. A token that lives less than two margins is refreshed at half its
 * life instead, or a short-lived token would be refreshed on every use.
 */
export function fresh(grant: StoredGrant, now: number, marginMs: number): boolean {
  if (grant.expiresAt === undefined) return true;
  const expires = Date.parse(grant.expiresAt);
  const lifetime = expires - Date.parse(grant.obtainedAt);
  return expires - now > Math.min(marginMs, lifetime / 2);
}

/**
 * A grant whose access token is good for at least the margin, refreshing it first if needed. The
 * refresh runs under a per-server cross-process lock, and re-reads the grant inside it: of many
 * concurrent callers one refreshes, the others find the new token. With rotation the new refresh
 * token is stored before the access token is handed out.
 */
export async function validGrant(
  server: string,
  deps: TokenDeps,
  options: { marginMs?: number; /** The server refused this access token: refresh even if it looks fresh. */ rejected?: string } = {},
): Promise<StoredGrant> {
  const now = deps.now ?? Date.now;
  const marginMs = options.marginMs ?? REFRESH_MARGIN_MS;
  const usable = (grant: StoredGrant) => (options.rejected === undefined || grant.accessToken !== options.rejected) && fresh(grant, now(), marginMs);
  const first = await deps.store.grant(server);
  if (!first) throw notAuthorized(server);
  if (usable(first)) return first;
  await mkdir(deps.lockDir, { recursive: true, mode: 0o700 });
  return withLock(join(deps.lockDir, `oauth-${server}`), async () => {
    const grant = await deps.store.grant(server);
    if (!grant) throw notAuthorized(server);
    // Another process may have refreshed while this one waited for the lock.
    if (usable(grant)) return grant;
    if (!grant.refreshToken) throw notAuthorized(server, `the access token of ${server} has expired and there is no refresh token`);
    const lib = await openidClient();
    const config = await configuration(metadataOf(grant), await clientOf(grant, deps.store));
    let tokens;
    try {
      tokens = await lib.refreshTokenGrant(config, grant.refreshToken, grant.noResourceIndicator ? {} : { resource: grant.resource });
    } catch (error) {
      const failure = oauthFailure(error, 'refreshing the token');
      if (failure.code === 'invalid_grant' || failure.code === 'invalid_client' || failure.code === 'unauthorized_client') {
        // The grant is dead for good (revoked, expired, or its refresh token was replayed): forget it.
        await deps.store.deleteGrant(server);
        if (failure.code === 'invalid_client' && grant.client === 'dynamic') await deps.store.deleteDynamicClient(grant.issuer);
        throw notAuthorized(server, `the authorization of ${server} is no longer valid (${failure.code})`);
      }
      throw failure;
    }
    const renewed = grantFromTokens(tokens, {
      server,
      resource: grant.resource,
      metadata: metadataOf(grant),
      client: { kind: grant.client, clientId: grant.clientId, authMethod: grant.authMethod },
      now: now(),
      previous: grant,
    });
    await deps.store.saveGrant(renewed);
    return renewed;
  });
}

export interface RevokeResult {
  server: string;
  hadGrant: boolean;
  /** What the authorization server said about each token: revoked, failed, or unsupported (no endpoint). */
  refreshToken?: 'revoked' | 'failed' | 'unsupported';
  accessToken?: 'revoked' | 'failed' | 'unsupported';
  error?: string;
  forgotClient: boolean;
}

/** RFC 7009: revoke the refresh token, then the access token, then forget the grant locally whatever the server said. */
export async function revokeGrant(server: string, options: { forgetClient?: boolean }, deps: TokenDeps): Promise<RevokeResult> {
  const grant = await deps.store.grant(server);
  const result: RevokeResult = { server, hadGrant: grant !== undefined, forgotClient: false };
  if (grant) {
    if (!grant.revocationEndpoint) {
      if (grant.refreshToken) result.refreshToken = 'unsupported';
      result.accessToken = 'unsupported';
    } else {
      const lib = await openidClient();
      const config = await configuration(metadataOf(grant), await clientOf(grant, deps.store));
      const attempt = async (token: string, hint: string): Promise<'revoked' | 'failed'> => {
        try {
          await lib.tokenRevocation(config, token, { token_type_hint: hint });
          return 'revoked';
        } catch (error) {
          result.error ??= oauthFailure(error, 'revocation').message;
          return 'failed';
        }
      };
      if (grant.refreshToken) result.refreshToken = await attempt(grant.refreshToken, 'refresh_token');
      result.accessToken = await attempt(grant.accessToken, 'access_token');
    }
    await deps.store.deleteGrant(server);
  }
  if (options.forgetClient) {
    const issuer = grant?.issuer;
    if (issuer) result.forgotClient = await deps.store.deleteDynamicClient(issuer);
  }
  return result;
}

export { OAuthError };
