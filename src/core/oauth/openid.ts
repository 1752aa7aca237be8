import type * as Client from 'openid-client';
import { limitResponse } from '../http-body.js';
import { TOKEN_BODY_LIMIT } from '../limits.js';
import { untrusted } from '../text.js';
import { clientSecretBasic } from './client-auth.js';
import { oversized, type AuthServerMetadata } from './metadata.js';
import { OAuthError, serverErrorCode } from './errors.js';
import type { ClientAuthMethod } from './store.js';
import { isLoopback } from './urls.js';

export type OpenIdClient = typeof Client;

let loaded: Promise<OpenIdClient> | undefined;

/** openid-client is loaded only by the commands that talk OAuth. */
export function openidClient(): Promise<OpenIdClient> {
  loaded ??= import('openid-client');
  return loaded;
}

/** An openid-client configuration for one client at one authorization server. */
export async function configuration(
  metadata: AuthServerMetadata,
  client: { clientId: string; clientSecret?: string; authMethod: ClientAuthMethod; /** Ready-made (private_key_jwt, grants/client-key.ts). */ clientAuth?: Client.ClientAuth },
): Promise<Client.Configuration> {
  const lib = await openidClient();
  let auth: Client.ClientAuth;
  if (client.clientAuth) auth = client.clientAuth;
  else if (client.authMethod === 'none') auth = lib.None();
  else if (client.authMethod === 'private_key_jwt') {
    throw new OAuthError(`client ${client.clientId} needs its private key for private_key_jwt`, 'store it as <server>.oauth_private_key (see README "CI and companies")', 'client_key_missing');
  }
  else if (!client.clientSecret) {
    throw new OAuthError(`client ${client.clientId} needs a client secret for ${client.authMethod}`, 'pass it with --client-secret-stdin', 'client_secret_missing');
  } else auth = client.authMethod === 'client_secret_post' ? lib.ClientSecretPost(client.clientSecret) : clientSecretBasic(client.clientSecret);
  const config = new lib.Configuration(metadata as Client.ServerMetadata, client.clientId, { token_endpoint_auth_method: client.authMethod }, auth);
  // Token, device, revocation answers: a ceiling on what is read from the authorization server.
  config[lib.customFetch] = async (url, options) =>
    limitResponse(await fetch(url, options as RequestInit), TOKEN_BODY_LIMIT, () => oversized('the answer', new URL(url).origin + new URL(url).pathname, TOKEN_BODY_LIMIT));
  // Every endpoint was checked to be HTTPS or loopback; openid-client needs to be told about loopback HTTP.
  if (metadata.token_endpoint && new URL(metadata.token_endpoint).protocol === 'http:' && isLoopback(new URL(metadata.token_endpoint))) {
    lib.allowInsecureRequests(config);
  }
  return config;
}

/** Our own error (a size limit, a check) wrapped by openid-client as the cause of its own. */
function ownCause(error: unknown): OAuthError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof OAuthError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turns openid-client's errors into one-line OAuthErrors. Server error codes are kept; tokens never appear in them. */
export function oauthFailure(error: unknown, during: string): OAuthError {
  const own = ownCause(error);
  if (own) return own;
  const e = error as { name?: string; message?: string; error?: string; error_description?: string; code?: string; status?: number };
  // The server's words are shown, but without control characters and at a readable length.
  if (e.name === 'ResponseBodyError' && e.error) {
    const detail = untrusted(e.error_description ? `${e.error}: ${e.error_description}` : e.error);
    return new OAuthError(`${during} failed: the server answered ${detail}`, 'run the command again; if it keeps failing, check the server or the client registration', serverErrorCode(e.error, 'oauth_failed'));
  }
  if (e.name === 'AuthorizationResponseError' && e.error) {
    return new OAuthError(`authorization refused: ${untrusted(`${e.error}${e.error_description ? `: ${e.error_description}` : ''}`)}`, 'run `mcpkey oauth authorize` again and approve the request', serverErrorCode(e.error, 'oauth_failed'));
  }
  const message = untrusted((e.message ?? String(error)).split('\n')[0]!);
  if (/"iss"|issuer/i.test(message)) {
    return new OAuthError(`${during} failed: the response came from the wrong issuer (${message})`, 'refusing a response that may be forged; try again, and report it if it persists', 'issuer_mismatch');
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new OAuthError(`${during} timed out`, 'check your network connection and try again', 'timeout');
  if (e.code === 'OAUTH_RESPONSE_IS_NOT_JSON' || e.code === 'OAUTH_PARSE_ERROR' || e.code === 'OAUTH_INVALID_RESPONSE' || /JSON|invalid response/i.test(message)) {
    return new OAuthError(`${during} failed: the server sent an invalid response (${message})`, 'the authorization server is misbehaving; try again later or report it', 'invalid_response');
  }
  if (e.name === 'TypeError' && /fetch failed/i.test(message)) return new OAuthError(`${during} failed: cannot reach the server`, 'check your network connection', 'unreachable');
  return new OAuthError(`${during} failed: ${message}`, 'run the command again; report it if it persists', 'oauth_failed');
}
