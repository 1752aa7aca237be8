import type { GrantSettings, OAuthSpec } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import { CancelledError, UsageError } from '../errors.js';
import { issuerChangeNotice, preRegisteredFor } from './binding.js';
import { authorizationResponse, type PasteReader } from './callback.js';
import { chooseClient, type ClientIdentity } from './clients.js';
import { discover, type DiscoveryResult, type Fetch } from './discovery.js';
import { checkBound, dpopHandle, keyForGrant } from './dpop.js';
import { OAuthError } from './errors.js';
import { chooseScope, grantFromTokens } from './grant.js';
import { isMachineGrant } from './grants/settings.js';
import type { Credentials } from './grants/types.js';
import { recordIssuer, responseIssuerProblem } from './issuer.js';
import { startCallbackServer } from './loopback.js';
import { configuration, oauthFailure, openidClient } from './openid.js';
import type { OAuthStore, StoredGrant, TokenAuthMethod } from './store.js';

export { chooseScope, grantFromTokens } from './grant.js';

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
  /** The grant to run (default: authorization code in the browser) and its client authentication, assertion, … */
  settings?: GrantSettings;
}

export type { PasteReader } from './callback.js';

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
  /** Secrets, keys and assertions for grants without a person (the secret chain). */
  credentials?: Credentials;
}

export interface AuthorizeResult {
  grant: StoredGrant;
  discovery: DiscoveryResult;
  client: ClientIdentity;
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
  if (isMachineGrant(request.settings?.grant)) return authorizeWithoutBrowser(request, discovery, scope, deps);
  const previous = await deps.store.grant(request.server);
  const moved = issuerChangeNotice(request.server, previous, metadata.issuer);
  if (moved) deps.notify(moved);
  // A new key for every grant; its proofs go with the token request (and later refreshes).
  const dpopKey = await keyForGrant(request.server, request.settings?.dpop, discovery, previous);
  const dpop = dpopKey ? await dpopHandle(dpopKey) : undefined;
  const dpopOption = dpop ? { DPoP: dpop.handle } : {};
  const preRegistered = await preRegisteredFor(
    {
      server: request.server,
      ...(request.clientId ? { clientId: request.clientId } : {}),
      ...(request.clientSecret ? { clientSecret: request.clientSecret } : {}),
      ...(request.clientAuthMethod ? { clientAuthMethod: request.clientAuthMethod } : {}),
      ...(request.oauth?.clientId ? { entryClientId: request.oauth.clientId } : {}),
    },
    metadata.issuer,
    deps.store,
    previous,
  );

  const chooseClientFor = (redirectUri: string | undefined) =>
    chooseClient({
      server: request.server,
      issuer: metadata.issuer,
      metadata,
      redirectUri,
      store: deps.store,
      ...(preRegistered.clientId ? { clientId: preRegistered.clientId } : {}),
      ...(preRegistered.clientSecret ? { clientSecret: preRegistered.clientSecret } : {}),
      ...(preRegistered.authMethod ? { authMethod: preRegistered.authMethod } : {}),
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
      ...(dpopKey ? { dpop: dpopKey } : {}),
    });
    checkBound(request.settings?.dpop, grant, metadata.issuer);
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
      const tokens = await lib.pollDeviceAuthorizationGrant(config, started, resourceParams, { signal: AbortSignal.timeout(request.timeoutMs), ...dpopOption });
      return await keep(tokens, client);
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new OAuthError(`no authorization within ${Math.round(request.timeoutMs / 1000)} s`, 'run the command again and enter the code sooner, or raise --timeout', 'timeout');
      throw oauthFailure(error, 'the device authorization');
    }
  }

  // Recorded with the state and the PKCE verifier, before the browser is sent off (RFC 9207).
  const recorded = recordIssuer(metadata);
  const lib = await openidClient();
  const state = lib.randomState();
  // Reuse the port of an earlier dynamic registration, so its redirect URI still fits.
  let port = request.port;
  if (port === undefined && !preRegistered.clientId) {
    const registered = (await deps.store.dynamicClient(metadata.issuer))?.redirectUris.map((uri) => new URL(uri)).find((uri) => uri.hostname === '127.0.0.1' && uri.port !== '');
    if (registered) port = Number(registered.port);
  }
  const check = (params: URLSearchParams) => responseIssuerProblem(params, recorded);
  let callback;
  try {
    callback = await startCallbackServer(state, port ?? 0, check);
  } catch (error) {
    if (request.port !== undefined || port === undefined) throw error;
    callback = await startCallbackServer(state, 0, check);
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
      // RFC 9449 §10: the code can be redeemed only with this key.
      ...(dpop ? { dpop_jkt: await dpop.thumbprint } : {}),
    });
    deps.notify(`Open this URL to authorize ${request.server}:\n\n  ${authorizationUrl.href}\n`);
    if (request.openBrowser && !(await deps.browser(authorizationUrl.href))) deps.notify('Could not open a browser; open the URL above yourself.');
    if (paste) deps.notify('If the browser cannot reach this machine, paste the address it was sent to (or the code) here.');
    const callbackUrl = await authorizationResponse({ callback, paste, state, recorded, timeoutMs: request.timeoutMs });
    let tokens;
    try {
      // openid-client repeats the state and iss checks against the same recorded issuer (metadata.issuer).
      tokens = await lib.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: verifier, expectedState: state }, resourceParams, dpopOption);
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

/** Client credentials, JWT bearer, enterprise: one request at the token endpoint, nobody at a browser. */
async function authorizeWithoutBrowser(request: AuthorizeRequest, discovery: DiscoveryResult, scope: string | undefined, deps: AuthorizeDeps): Promise<AuthorizeResult> {
  const settings = request.settings!;
  const clientId = request.clientId ?? request.oauth?.clientId;
  if (!clientId) {
    throw new UsageError(`the ${settings.grant} grant needs the client ID registered at ${discovery.authServer.issuer}`, `pass --client-id ID (or keep it in the entry: mcpkey server add ${request.server} --url … --grant ${settings.grant} --client-id ID)`, 'client_id_missing');
  }
  // No refresh token comes with these grants: offline_access is only asked for when asked for.
  const wanted = request.scope?.split(/\s+/).includes('offline_access');
  const machineScope = scope?.split(' ').filter((word) => wanted || word !== 'offline_access').join(' ') || undefined;
  const { runGrant } = await import('./grants/index.js');
  const dpop = await keyForGrant(request.server, settings.dpop, discovery, await deps.store.grant(request.server));
  const grant = await runGrant(
    {
      server: request.server,
      resource: discovery.resource,
      ...(request.resourceIndicator ? {} : { noResourceIndicator: true }),
      metadata: discovery.authServer,
      clientId,
      settings,
      ...(machineScope ? { scope: machineScope } : {}),
      ...(dpop ? { dpop } : {}),
    },
    deps.credentials ?? { env: deps.env, secret: async () => undefined, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
    deps.now,
  );
  checkBound(settings.dpop, grant, discovery.authServer.issuer);
  await deps.store.saveGrant(grant);
  return { grant, discovery, client: { kind: grant.client, clientId, authMethod: grant.authMethod } };
}
