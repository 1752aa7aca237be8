import type { OAuthSpec } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import { CancelledError } from '../errors.js';
import { chooseClient, type ClientIdentity } from './clients.js';
import { discover, type AuthServerMetadata, type DiscoveryResult, type Fetch } from './discovery.js';
import { OAuthError } from './errors.js';
import { startCallbackServer } from './loopback.js';
import { configuration, oauthFailure, openidClient } from './openid.js';
import type { OAuthStore, StoredGrant, TokenAuthMethod } from './store.js';

export interface AuthorizeRequest {
  server: string;
  url: string;
  oauth?: OAuthSpec;
  scope?: string;
  clientId?: string;
  clientSecret?: string;
  clientAuthMethod?: TokenAuthMethod;
  port?: number;
  timeoutMs: number;
  openBrowser: boolean;
  device: boolean;
  /** RFC 8707 `resource` in the requests; off for servers that reject it. */
  resourceIndicator: boolean;
  clientMetadataUrl?: string;
}

export interface PasteReader {
  /** Resolves with a line the user pasted; never resolves if they paste nothing. */
  line: Promise<string>;
  close(): void;
}

export interface AuthorizeDeps {
  store: OAuthStore;
  env: Env;
  fetch?: Fetch;
  /** Progress for the person at the terminal (stderr). */
  notify(message: string): void;
  browser(url: string): Promise<boolean>;
  /** On a terminal: lets the user paste the redirected URL (for SSH sessions). */
  paste?: () => PasteReader;
  now?: () => number;
}

export interface AuthorizeResult {
  grant: StoredGrant;
  discovery: DiscoveryResult;
  client: ClientIdentity;
}

/** Scope, in the spec's order: asked for, then the entry's, then the challenge's, then everything the resource supports. */
export function chooseScope(request: Pick<AuthorizeRequest, 'scope' | 'oauth'>, discovery: DiscoveryResult): string | undefined {
  const base =
    request.scope ??
    (request.oauth?.scopes?.length ? request.oauth.scopes.join(' ') : undefined) ??
    discovery.challenge?.scope ??
    (discovery.resourceMetadata?.scopes_supported?.length ? discovery.resourceMetadata.scopes_supported.join(' ') : undefined);
  if (base === undefined) return undefined;
  const scopes = base.split(/\s+/).filter(Boolean);
  // A refresh token only where the authorization server lists offline_access; never invented.
  if (discovery.authServer.scopes_supported?.includes('offline_access') && !scopes.includes('offline_access')) scopes.push('offline_access');
  return scopes.join(' ');
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A pasted line: the whole redirected URL, or just the code. */
function pastedCallback(line: string, redirectUri: string, state: string, metadata: AuthServerMetadata): URL | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  if (/^https?:\/\//i.test(text) && URL.canParse(text)) {
    const url = new URL(text);
    return url.searchParams.get('state') === state ? new URL(`${redirectUri}${url.search}`) : undefined;
  }
  const url = new URL(redirectUri);
  url.searchParams.set('code', text);
  url.searchParams.set('state', state);
  if (metadata.authorization_response_iss_parameter_supported) url.searchParams.set('iss', metadata.issuer);
  return url;
}

export function grantFromTokens(
  tokens: { access_token: string; token_type?: string; refresh_token?: string; expires_in?: number; scope?: string },
  context: {
    server: string;
    resource: string;
    metadata: AuthServerMetadata;
    client: ClientIdentity;
    requestedScope?: string;
    now: number;
    previous?: StoredGrant;
    noResourceIndicator?: boolean;
  },
): StoredGrant {
  const tokenType = tokens.token_type ?? 'Bearer';
  if (tokenType.toLowerCase() !== 'bearer') {
    throw new OAuthError(`the server issued a ${tokenType} token; mcpkey supports Bearer tokens only`, 'report it to the server operator', 'unsupported_token_type');
  }
  const refreshToken = tokens.refresh_token ?? context.previous?.refreshToken;
  const scope = tokens.scope ?? context.previous?.scope ?? context.requestedScope;
  return {
    version: 1,
    server: context.server,
    resource: context.resource,
    ...(context.noResourceIndicator || context.previous?.noResourceIndicator ? { noResourceIndicator: true as const } : {}),
    issuer: context.metadata.issuer,
    tokenEndpoint: context.metadata.token_endpoint!,
    ...(context.metadata.revocation_endpoint ? { revocationEndpoint: context.metadata.revocation_endpoint } : {}),
    clientId: context.client.clientId,
    client: context.client.kind,
    authMethod: context.client.authMethod,
    accessToken: tokens.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    tokenType: 'Bearer',
    ...(typeof tokens.expires_in === 'number' ? { expiresAt: new Date(context.now + tokens.expires_in * 1000).toISOString() } : {}),
    ...(scope ? { scope } : {}),
    obtainedAt: new Date(context.now).toISOString(),
  };
}

/** Runs the whole MCP authorization: discovery, client identity, browser or device flow, token exchange, storage. */
export async function authorize(request: AuthorizeRequest, deps: AuthorizeDeps): Promise<AuthorizeResult> {
  const now = deps.now ?? Date.now;
  const discovery = await discover(request.url, {
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(request.oauth?.authorizationServer ? { authorizationServerHint: request.oauth.authorizationServer } : {}),
  });
  const metadata = discovery.authServer;
  const scope = chooseScope(request, discovery);
  const resourceParams: Record<string, string> = request.resourceIndicator ? { resource: discovery.resource } : {};
  const stored = await deps.store.preRegistered(request.server);
  const clientId = request.clientId ?? stored?.clientId ?? request.oauth?.clientId;
  const clientSecret = request.clientSecret ?? (stored && stored.clientId === clientId ? stored.clientSecret : undefined);
  const clientAuthMethod = request.clientAuthMethod ?? (stored && stored.clientId === clientId ? stored.authMethod : undefined);
  if (request.clientId) {
    // Remember the client the user named, so that refreshes and later authorizations use it too.
    await deps.store.savePreRegistered(request.server, {
      version: 1,
      clientId: request.clientId,
      ...(clientSecret ? { clientSecret } : {}),
      ...(clientAuthMethod ? { authMethod: clientAuthMethod } : {}),
    });
  }

  const chooseClientFor = (redirectUri: string | undefined) =>
    chooseClient({
      server: request.server,
      issuer: metadata.issuer,
      metadata,
      redirectUri,
      store: deps.store,
      ...(clientId ? { clientId } : {}),
      ...(clientSecret ? { clientSecret } : {}),
      ...(clientAuthMethod ? { authMethod: clientAuthMethod } : {}),
      ...(request.clientMetadataUrl ? { clientMetadataUrl: request.clientMetadataUrl } : {}),
      ...(request.oauth?.note ? { note: request.oauth.note } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  /** Stores the grant the token endpoint answered with. */
  const keep = async (tokens: Parameters<typeof grantFromTokens>[0], client: ClientIdentity): Promise<AuthorizeResult> => {
    const grant = grantFromTokens(tokens, {
      server: request.server,
      resource: discovery.resource,
      metadata,
      client,
      ...(scope ? { requestedScope: scope } : {}),
      now: now(),
      noResourceIndicator: !request.resourceIndicator,
    });
    await deps.store.saveGrant(grant);
    return { grant, discovery, client };
  };

  if (request.device) {
    if (!metadata.device_authorization_endpoint) {
      throw new OAuthError(`${metadata.issuer} does not offer the device flow`, 'run without --device', 'device_unsupported');
    }
    const client = await chooseClientFor(undefined);
    const lib = await openidClient();
    const config = await configuration(metadata, client);
    try {
      const started = await lib.initiateDeviceAuthorization(config, { ...(scope ? { scope } : {}), ...resourceParams });
      deps.notify(`To authorize ${request.server}, open ${started.verification_uri} and enter the code ${started.user_code}`);
      if (request.openBrowser) await deps.browser(started.verification_uri_complete ?? started.verification_uri);
      const tokens = await lib.pollDeviceAuthorizationGrant(config, started, resourceParams, { signal: AbortSignal.timeout(request.timeoutMs) });
      return await keep(tokens, client);
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new OAuthError(`no authorization within ${Math.round(request.timeoutMs / 1000)} s`, 'run the command again and enter the code sooner, or raise --timeout', 'timeout');
      throw oauthFailure(error, 'the device authorization');
    }
  }

  // Reuse the port of an earlier dynamic registration, so its redirect URI still fits.
  const lib = await openidClient();
  const state = lib.randomState();
  let port = request.port;
  if (port === undefined && !clientId) {
    const previous = await deps.store.dynamicClient(metadata.issuer);
    const registered = previous?.redirectUris.map((uri) => new URL(uri)).find((uri) => uri.hostname === '127.0.0.1' && uri.port !== '');
    if (registered) port = Number(registered.port);
  }
  let callback;
  try {
    callback = await startCallbackServer(state, port ?? 0);
  } catch (error) {
    if (request.port !== undefined || port === undefined) throw error;
    callback = await startCallbackServer(state, 0);
  }
  const paste = deps.paste?.();
  try {
    const client = await chooseClientFor(callback.redirectUri);
    const config = await configuration(metadata, client);
    const verifier = lib.randomPKCECodeVerifier();
    const authorizationUrl = lib.buildAuthorizationUrl(config, {
      response_type: 'code',
      redirect_uri: callback.redirectUri,
      code_challenge: await lib.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...(scope ? { scope } : {}),
      ...resourceParams,
    });
    deps.notify(`Open this URL to authorize ${request.server}:\n\n  ${authorizationUrl.href}\n`);
    if (request.openBrowser && !(await deps.browser(authorizationUrl.href))) deps.notify('Could not open a browser; open the URL above yourself.');
    if (paste) deps.notify('If the browser cannot reach this machine, paste the address it was sent to (or the code) here.');

    const fromPaste = paste
      ? paste.line.then((line) => {
          const url = pastedCallback(line, callback.redirectUri, state, metadata);
          if (!url) throw new OAuthError('the pasted text is not the redirect of this sign-in (state mismatch)', 'run the command again and paste the full address from the browser', 'state_mismatch');
          return url;
        })
      : new Promise<URL>(() => {});
    const minutes = request.timeoutMs / 60_000;
    const callbackUrl = await withTimeout(
      Promise.race([callback.result, fromPaste]),
      request.timeoutMs,
      () => new OAuthError(`no authorization response within ${minutes >= 1 ? `${Math.round(minutes)} min` : `${Math.round(request.timeoutMs / 1000)} s`}`, 'run the command again (use --no-browser to open the URL yourself, or raise --timeout)', 'timeout'),
    );
    const error = callbackUrl.searchParams.get('error');
    if (error) {
      const description = callbackUrl.searchParams.get('error_description');
      throw new OAuthError(`authorization refused by the provider: ${error}${description ? ` (${description})` : ''}`, 'run `mcpkey oauth authorize` again and approve the request', error === 'access_denied' ? 'access_denied' : error);
    }
    // The RFC 9207 check, done here as well so that a wrong `iss` is named as such.
    const iss = callbackUrl.searchParams.get('iss');
    if ((iss !== null && iss !== metadata.issuer) || (iss === null && metadata.authorization_response_iss_parameter_supported === true)) {
      throw new OAuthError(`the authorization response came from issuer ${JSON.stringify(iss)}, expected ${metadata.issuer}`, 'refusing a response that may be forged (mix-up attack); try again', 'issuer_mismatch');
    }
    let tokens;
    try {
      tokens = await lib.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: verifier, expectedState: state }, resourceParams);
    } catch (failure) {
      const mapped = oauthFailure(failure, 'the token request');
      if (mapped.code === 'invalid_client' && client.kind === 'dynamic') {
        await deps.store.deleteDynamicClient(metadata.issuer);
        throw new OAuthError(mapped.message, 'the registration was dropped; run the command again to register anew', 'invalid_client');
      }
      throw mapped;
    }
    return await keep(tokens, client);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    throw oauthFailure(error, 'authorization');
  } finally {
    paste?.close();
    await callback.close();
  }
}
