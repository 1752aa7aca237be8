import type * as Client from 'openid-client';
import { dpopHandle, type DPoPKey } from './dpop.js';
import { OAuthError } from './errors.js';
import type { Fetch } from './metadata.js';
import { openidClient } from './openid.js';

/**
 * One request to the MCP server with a DPoP-bound token: `Authorization: DPoP <token>` and a fresh
 * proof (htm, htu without query or fragment, iat, new jti, ath), through openid-client. A 401
 * `DPoP error="use_dpop_nonce"` is answered once more with the server's nonce, which is kept for
 * the origin. Every other answer, challenges included, goes back to the caller as it came.
 */
export async function dpopResourceFetch(base: Fetch, input: Parameters<Fetch>[0], init: RequestInit | undefined, grant: { accessToken: string; dpop: DPoPKey; server: string }): Promise<Response> {
  const lib = await openidClient();
  const { handle } = await dpopHandle(grant.dpop, grant.server);
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : input.toString());
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const headers = new Headers(request?.headers);
  for (const [name, value] of new Headers(init?.headers)) headers.set(name, value);
  headers.delete('authorization');
  headers.delete('dpop');
  // Only the fetch is lent: the request keeps the caller's signal and no timeout of openid-client's.
  const config = new lib.Configuration({ issuer: 'urn:mcpkey:dpop' }, 'mcpkey');
  config.timeout = 0;
  config[lib.customFetch] = (href, options) => base(href, { ...(options as RequestInit), ...(init?.signal ? { signal: init.signal } : {}) });
  // Remote URLs are https, or http on loopback only (server add refuses others).
  if (url.protocol === 'http:') lib.allowInsecureRequests(config);
  try {
    return await lib.fetchProtectedResource(config, grant.accessToken, url, method, (init?.body ?? null) as Client.FetchBody, headers, { DPoP: handle });
  } catch (error) {
    // A challenge in the answer is for authorizedFetch to read (refresh, step-up), like a Bearer one.
    if (error instanceof lib.WWWAuthenticateChallengeError) return error.response;
    if (error instanceof TypeError && /header/i.test(error.message) && !/fetch failed/i.test(error.message)) {
      throw new OAuthError(`the access token of ${grant.server} cannot be sent: it contains a character a header cannot carry`, `run \`mcpkey oauth authorize ${grant.server}\` again, and report it if it persists`, 'invalid_token');
    }
    throw error;
  }
}
