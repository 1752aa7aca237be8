import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { CliError, ExitCode } from '../errors.js';
import { withLock } from '../lock.js';
import { KEYCHAIN_PATIENCE_MS } from '../secrets/keychain.js';
import { withSignalsDeferred } from './defer-signals.js';
import { dpopOptions } from './dpop.js';
import type { AuthServerMetadata } from './metadata.js';
import { notAuthorized, OAuthError } from './errors.js';
import { grantFromTokens } from './grant.js';
import type { Credentials } from './grants/types.js';
import { isMachineGrant } from './grants/settings.js';
import { configuration, oauthFailure, openidClient } from './openid.js';
import { grantKind, type OAuthStore, type StoredGrant } from './store.js';

export interface TokenDeps {
  store: OAuthStore;
  /** Where the per-server refresh locks live (the config directory). */
  lockDir: string;
  now?: () => number;
  /** Client secrets, keys and assertions for grants without a person, which are run again instead of refreshed. */
  credentials?: Credentials;
}

/** Refresh this long before expiry, so a token handed out is still good when it is used. */
export const REFRESH_MARGIN_MS = 60_000;
/** How long a refresh request may take at the authorization server. */
export const REFRESH_TIMEOUT_MS = 30_000;
/**
 * How long to keep trying to store a grant the authorization server has just rotated. Generous: giving
 * up loses the grant (the old refresh token is dead, and presenting it again revokes everything).
 */
export const ROTATED_GRANT_PATIENCE_MS = 120_000;
/**
 * How long a refresh may legitimately hold the lock: two keychain reads, the request, the save, and a
 * margin. Waiters wait this long while the holder is alive; a holder that died is taken over at once.
 */
export const REFRESH_LOCK_WAIT_MS = 2 * KEYCHAIN_PATIENCE_MS + REFRESH_TIMEOUT_MS + ROTATED_GRANT_PATIENCE_MS + 30_000;

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

/** The rotated grant could not be stored: the old refresh token is spent, the new one is gone with this process. */
export function grantLost(server: string, cause: unknown): CliError {
  const why = cause instanceof CliError ? `: ${cause.message}` : '';
  return new CliError(`the authorization server renewed the grant of ${server}, but mcpkey could not store it${why}; the grant is lost at the server`, {
    code: 'grant_lost',
    exitCode: ExitCode.notReady,
    hint: `fix the keychain if it reported a problem, then run \`mcpkey oauth authorize ${server}\``,
    cause,
  });
}

/**
 * A grant whose access token is good for at least the margin, refreshing it first if needed. The
 * refresh runs under a per-server cross-process lock, and re-reads the grant inside it: of many
 * concurrent callers one refreshes, the others find the new token. With rotation the new grant is
 * stored before anything else happens, with signals held back until it is (defer-signals.ts). A grant
 * without a person and without a refresh token is simply run again, under the same lock.
 */
export async function validGrant(
  server: string,
  deps: TokenDeps,
  options: { marginMs?: number; /** The server refused this access token: refresh even if it looks fresh. */ rejected?: string } = {},
): Promise<StoredGrant> {
  const now = deps.now ?? Date.now;
  const marginMs = options.marginMs ?? REFRESH_MARGIN_MS;
  const usable = (grant: StoredGrant) => (options.rejected === undefined || grant.accessToken !== options.rejected) && fresh(grant, now(), marginMs);
  // Read afresh for every use: another process may have renewed or replaced it (one round trip).
  const first = await deps.store.grant(server);
  if (!first) throw notAuthorized(server);
  if (usable(first)) return first;
  await mkdir(deps.lockDir, { recursive: true, mode: 0o700 });
  return withLock(
    join(deps.lockDir, `oauth-${server}`),
    async () => {
      const grant = await deps.store.grant(server);
      if (!grant) throw notAuthorized(server);
      // Another process may have refreshed while this one waited for the lock.
      if (usable(grant)) return grant;
      if (!grant.refreshToken) {
        // Client credentials, JWT bearer, enterprise: no refresh token, the grant itself runs again, here under the lock.
        if (isMachineGrant(grantKind(grant)) && deps.credentials) {
          const { renewGrant } = await import('./grants/index.js');
          return renewGrant(grant, { store: deps.store, credentials: deps.credentials, now });
        }
        throw notAuthorized(server, `the access token of ${server} has expired and there is no refresh token`);
      }
      return refresh(server, grant, deps, now);
    },
    { timeoutMs: REFRESH_LOCK_WAIT_MS },
  );
}

/** One refresh: from the moment the request leaves until the answer is stored, a stop would lose the grant. */
async function refresh(server: string, grant: StoredGrant, deps: TokenDeps, now: () => number): Promise<StoredGrant> {
  const lib = await openidClient();
  const config = await configuration(metadataOf(grant), await clientOf(grant, deps.store));
  config.timeout = REFRESH_TIMEOUT_MS / 1000;
  return withSignalsDeferred(async () => {
    let tokens;
    try {
      tokens = await lib.refreshTokenGrant(config, grant.refreshToken!, grant.noResourceIndicator ? {} : { resource: grant.resource }, await dpopOptions(grant.dpop, server));
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
    try {
      await deps.store.saveGrant(renewed, { patienceMs: ROTATED_GRANT_PATIENCE_MS });
    } catch (error) {
      // Without rotation the stored refresh token still works; with it, this was the only copy.
      if (renewed.refreshToken === grant.refreshToken) throw error;
      throw grantLost(server, error);
    }
    return renewed;
  });
}

/** The client of a grant without a person authenticates as it did for the grant (its key or secret from the chain). */
async function revocationConfiguration(grant: StoredGrant, deps: TokenDeps) {
  if (isMachineGrant(grantKind(grant)) && deps.credentials) {
    const { grantConfiguration } = await import('./grants/client-key.js');
    const context = { server: grant.server, metadata: metadataOf(grant), clientId: grant.clientId, settings: { ...grant.settings, grant: grantKind(grant) }, credentials: deps.credentials };
    return (await grantConfiguration(context)).config;
  }
  return configuration(metadataOf(grant), await clientOf(grant, deps.store));
}

export interface RevokeResult {
  server: string;
  hadGrant: boolean;
  /** What the authorization server said about each token: revoked, failed, or unsupported (no endpoint). */
  refreshToken?: 'revoked' | 'failed' | 'unsupported';
  accessToken?: 'revoked' | 'failed' | 'unsupported';
  error?: string;
  forgotClient: boolean;
  /** --forget-client kept the registration: these servers' grants still use it. */
  clientSharedWith?: string[];
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
      const config = await revocationConfiguration(grant, deps);
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
  if (options.forgetClient && grant?.issuer) {
    // Registrations are shared per authorization server: kept while another server's grant uses it.
    const forgot = await deps.store.forgetDynamicClient(grant.issuer, server);
    result.forgotClient = forgot.deleted;
    if (forgot.sharedWith.length > 0) result.clientSharedWith = forgot.sharedWith;
  }
  return result;
}

export { OAuthError };
