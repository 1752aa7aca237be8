import { CancelledError } from '../errors.js';
import { authorizationResponse, type PasteReader } from '../oauth/callback.js';
import { OAuthError } from '../oauth/errors.js';
import { recordIssuer, responseIssuerProblem } from '../oauth/issuer.js';
import { startCallbackServer } from '../oauth/loopback.js';
import { checkAuthServer, fetchAuthServerMetadata, type AuthServerMetadata, type Fetch } from '../oauth/metadata.js';
import { configuration, oauthFailure, openidClient } from '../oauth/openid.js';
import { untrusted } from '../text.js';
import type { IdpConfig } from './config.js';
import { jwtClaims, sessionFrom, type IdpSession, type IdpSessionStore } from './session.js';

/** One identity provider with the client mcpkey is there, its secret resolved through the chain. */
export interface IdpClient {
  name: string;
  config: IdpConfig;
  clientSecret?: string;
}

/** The provider's metadata (RFC 8414 or OpenID discovery), its issuer checked exactly. */
export async function idpMetadata(idp: IdpClient, fetchImpl: Fetch = fetch, timeoutMs = 15_000): Promise<AuthServerMetadata> {
  const metadata = await fetchAuthServerMetadata(fetchImpl, idp.config.issuer, timeoutMs);
  if (!metadata?.token_endpoint) {
    throw new OAuthError(`identity provider ${idp.name} publishes no metadata with a token endpoint at ${idp.config.issuer}`, `check the issuer URL: mcpkey idp add ${idp.name} --issuer URL --client-id ID --force`, 'invalid_metadata');
  }
  return metadata;
}

export function idpConfiguration(idp: IdpClient, metadata: AuthServerMetadata) {
  return configuration(metadata, { clientId: idp.config.clientId, authMethod: idp.config.clientAuth, ...(idp.clientSecret ? { clientSecret: idp.clientSecret } : {}) });
}

export interface IdpLoginRequest {
  idp: IdpClient;
  port?: number;
  timeoutMs: number;
  openBrowser: boolean;
}

export interface IdpLoginDeps {
  sessions: IdpSessionStore;
  notify(message: string): void;
  browser(url: string): Promise<boolean>;
  paste?: () => PasteReader;
  fetch?: Fetch;
  now?: () => number;
}

/** OpenID Connect sign-in (authorization code + PKCE + nonce) through the loopback redirect; keeps the session. */
export async function idpLogin(request: IdpLoginRequest, deps: IdpLoginDeps): Promise<IdpSession> {
  const { idp } = request;
  const metadata = await idpMetadata(idp, deps.fetch);
  checkAuthServer(metadata);
  const recorded = recordIssuer(metadata);
  const lib = await openidClient();
  const state = lib.randomState();
  const nonce = lib.randomNonce();
  const callback = await startCallbackServer(state, request.port ?? 0, (params) => responseIssuerProblem(params, recorded));
  const paste = deps.paste?.();
  try {
    const config = await idpConfiguration(idp, metadata);
    const verifier = lib.randomPKCECodeVerifier();
    const url = lib.buildAuthorizationUrl(config, {
      response_type: 'code',
      redirect_uri: callback.redirectUri,
      scope: ['openid', ...(idp.config.scopes ?? []).filter((scope) => scope !== 'openid')].join(' '),
      code_challenge: await lib.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    deps.notify(`Open this URL to sign in to ${idp.name}:\n\n  ${url.href}\n`);
    if (request.openBrowser && !(await deps.browser(url.href))) deps.notify('Could not open a browser; open the URL above yourself.');
    if (paste) deps.notify('If the browser cannot reach this machine, paste the address it was sent to here.');
    const response = await authorizationResponse({ callback, paste, state, recorded, timeoutMs: request.timeoutMs });
    let tokens;
    try {
      tokens = await lib.authorizationCodeGrant(config, response, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    } catch (error) {
      throw oauthFailure(error, `signing in to ${idp.name}`);
    }
    if (!tokens.id_token) throw new OAuthError(`${idp.name} issued no ID token`, 'check that the client is registered for OpenID Connect at the identity provider', 'no_id_token');
    const session = sessionFrom(idp.name, idp.config, { idToken: tokens.id_token, ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}) }, 'browser', (deps.now ?? Date.now)());
    await deps.sessions.save(session);
    return session;
  } catch (error) {
    if (error instanceof CancelledError || error instanceof OAuthError) throw error;
    throw oauthFailure(error, `signing in to ${idp.name}`);
  } finally {
    paste?.close();
    await callback.close();
  }
}

/**
 * An ID token handed in for scripted use. Not verified here (the provider does that at every
 * exchange), but it must be a JWT from this provider, for this client, and not yet expired.
 */
export function sessionFromIdToken(idp: IdpClient, idToken: string, now: number): IdpSession {
  const claims = jwtClaims(idToken);
  const refuse = (problem: string) => new OAuthError(`refusing the ID token for ${idp.name}: ${problem}`, `pipe the ID token ${idp.name} issued to client ${idp.config.clientId}, or run \`mcpkey idp login ${idp.name}\``, 'invalid_id_token');
  if (!claims) throw refuse('it is not a JWT');
  if (claims.iss !== idp.config.issuer) throw refuse(`it was issued by ${typeof claims.iss === 'string' ? untrusted(claims.iss, 200) : 'nobody named'}, not ${idp.config.issuer}`);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(idp.config.clientId)) throw refuse(`it was not issued to client ${idp.config.clientId}`);
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= now) throw refuse('it has expired');
  return sessionFrom(idp.name, idp.config, { idToken }, 'stdin', now);
}

/**
 * RFC 7009 revocation of the sign-in's refresh token at the provider, so a logout ends it there too.
 * Best effort: `unsupported` without a revocation endpoint, `failed` (with the reason) when the
 * provider cannot be reached or refuses; the local sign-in is forgotten either way.
 */
export async function revokeSession(idp: IdpClient, session: IdpSession, fetchImpl?: Fetch): Promise<{ refreshToken: 'revoked' | 'failed' | 'unsupported'; error?: string }> {
  try {
    const metadata = await idpMetadata(idp, fetchImpl);
    if (!metadata.revocation_endpoint) return { refreshToken: 'unsupported' };
    const lib = await openidClient();
    await lib.tokenRevocation(await idpConfiguration(idp, metadata), session.refreshToken!, { token_type_hint: 'refresh_token' });
    return { refreshToken: 'revoked' };
  } catch (error) {
    return { refreshToken: 'failed', error: oauthFailure(error, `revocation at ${idp.name}`).message };
  }
}
