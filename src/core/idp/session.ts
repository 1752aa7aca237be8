import type { KeychainStore, WriteOptions } from '../secrets/keychain.js';

/**
 * A sign-in at a company identity provider: the ID token the token exchange presents, and the
 * refresh token that renews it. Kept in the keychain only, never in a file.
 */
export interface IdpSession {
  version: 1;
  idp: string;
  /** The issuer it was obtained from: a session is never presented to another. */
  issuer: string;
  clientId: string;
  idToken: string;
  /** ISO 8601, from the ID token's `exp`; absent when it had none. */
  idTokenExpiresAt?: string;
  refreshToken?: string;
  /** Who signed in (the ID token's `sub`), for `idp ls`. */
  subject?: string;
  obtainedAt: string;
  /** How it came: the browser sign-in or an ID token handed in on stdin. */
  source: 'browser' | 'stdin';
}

// Not a valid secret name (no dot before the colon), so `secret list` never shows it.
export const idpSessionAccount = (idp: string) => `oauth-idp:${idp}`;

export class IdpSessionStore {
  constructor(private readonly keychain: KeychainStore) {}

  async get(idp: string): Promise<IdpSession | undefined> {
    const raw = await this.keychain.get(idpSessionAccount(idp));
    if (raw === undefined) return undefined;
    try {
      const session = JSON.parse(raw) as IdpSession;
      return session?.version === 1 && session.idp === idp && typeof session.idToken === 'string' ? session : undefined;
    } catch {
      return undefined;
    }
  }

  async save(session: IdpSession, options?: WriteOptions): Promise<void> {
    await this.keychain.set(idpSessionAccount(session.idp), JSON.stringify(session), options);
  }

  async delete(idp: string): Promise<boolean> {
    return this.keychain.delete(idpSessionAccount(idp));
  }
}

/** The payload of a JWT, unverified: only to read `exp` and `sub` for mcpkey's own bookkeeping. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The session for an ID token just obtained (its expiry and subject read from its claims). */
export function sessionFrom(
  idp: string,
  config: { issuer: string; clientId: string },
  tokens: { idToken: string; refreshToken?: string },
  source: IdpSession['source'],
  now: number,
): IdpSession {
  const claims = jwtClaims(tokens.idToken) ?? {};
  return {
    version: 1,
    idp,
    issuer: config.issuer,
    clientId: config.clientId,
    idToken: tokens.idToken,
    ...(typeof claims.exp === 'number' ? { idTokenExpiresAt: new Date(claims.exp * 1000).toISOString() } : {}),
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(typeof claims.sub === 'string' ? { subject: claims.sub } : {}),
    obtainedAt: new Date(now).toISOString(),
    source,
  };
}
