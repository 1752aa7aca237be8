import { OAuthError } from './errors.js';
import { assertSecureEndpoint, canonicalResource, resourceMatches } from './urls.js';
import { bearerChallenge } from './www-authenticate.js';

export type Fetch = typeof fetch;

/** RFC 9728 protected resource metadata (the fields mcpkey uses). */
export interface ResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  [key: string]: unknown;
}

/** RFC 8414 / OpenID Connect discovery metadata (the fields mcpkey uses). */
export interface AuthServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  registration_endpoint?: string;
  revocation_endpoint?: string;
  device_authorization_endpoint?: string;
  scopes_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  client_id_metadata_document_supported?: boolean;
  [key: string]: unknown;
}

export interface DiscoveryResult {
  /** The canonical MCP server URL: the `resource` of every request (RFC 8707). */
  resource: string;
  /** What the 401 challenge said, if the server sent one. */
  challenge?: { scope?: string; error?: string; resourceMetadata?: string };
  resourceMetadata?: ResourceMetadata;
  authServer: AuthServerMetadata;
  /** How the authorization server was found. */
  via: 'resource-metadata' | 'catalog-hint' | 'legacy-metadata' | 'legacy-defaults';
}

export interface DiscoveryOptions {
  fetch?: Fetch;
  timeoutMs?: number;
  /** The catalog's hint, used when the server publishes no resource metadata. */
  authorizationServerHint?: string;
}

const PROTOCOL_VERSION = '2025-11-25';

async function request(fetchImpl: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetchImpl(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    throw new OAuthError(`cannot reach ${url} (${reason})`, 'check the URL and your network connection', 'unreachable');
  }
}

async function readJson(response: Response, url: string): Promise<Record<string, unknown>> {
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    throw new OAuthError(`${url} did not return JSON`, 'the server metadata is broken; report it to the server operator', 'invalid_metadata');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new OAuthError(`${url} did not return a JSON object`, 'the server metadata is broken; report it to the server operator', 'invalid_metadata');
  }
  return data as Record<string, unknown>;
}

/** Step 1: an unauthenticated MCP request, to read the server's 401 challenge. */
async function probe(fetchImpl: Fetch, resource: string, timeoutMs: number): Promise<DiscoveryResult['challenge'] & { status: number }> {
  const response = await request(
    fetchImpl,
    resource,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': PROTOCOL_VERSION },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcpkey', version: '0' } },
      }),
    },
    timeoutMs,
  );
  await response.body?.cancel();
  const challenge = response.status === 401 || response.status === 403 ? bearerChallenge(response.headers.get('www-authenticate')) : undefined;
  return {
    status: response.status,
    ...(challenge?.params.scope ? { scope: challenge.params.scope } : {}),
    ...(challenge?.params.error ? { error: challenge.params.error } : {}),
    ...(challenge?.params.resource_metadata ? { resourceMetadata: challenge.params.resource_metadata } : {}),
  };
}

function wellKnown(origin: string, name: string, path: string): string {
  const suffix = path === '/' ? '' : path.replace(/\/$/, '');
  return `${origin}/.well-known/${name}${suffix}`;
}

/** Step 2: protected resource metadata, from the challenge's URL only, else the two well-known places. */
async function fetchResourceMetadata(fetchImpl: Fetch, resource: string, named: string | undefined, timeoutMs: number): Promise<ResourceMetadata | undefined> {
  const url = new URL(resource);
  const candidates = named
    ? [assertSecureEndpoint(named, 'resource metadata URL').href]
    : [...new Set([wellKnown(url.origin, 'oauth-protected-resource', url.pathname), wellKnown(url.origin, 'oauth-protected-resource', '/')])];
  for (const candidate of candidates) {
    const response = await request(fetchImpl, candidate, { headers: { accept: 'application/json' } }, timeoutMs);
    if (!response.ok) {
      await response.body?.cancel();
      if (named) throw new OAuthError(`the resource metadata at ${candidate} answered HTTP ${response.status}`, 'the server advertises metadata it does not serve; report it to the server operator', 'invalid_metadata');
      if (response.status >= 400 && response.status < 500) continue;
      throw new OAuthError(`${candidate} answered HTTP ${response.status}`, 'try again later', 'server_error');
    }
    const data = (await readJson(response, candidate)) as ResourceMetadata;
    if (typeof data.resource !== 'string') throw new OAuthError(`${candidate} has no "resource"`, 'the resource metadata is broken; report it to the server operator', 'invalid_metadata');
    return data;
  }
  return undefined;
}

/** The metadata URLs for an issuer, in the order the MCP spec gives. */
export function authServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  if (path === '') {
    return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

function sameIssuer(a: string, b: string): boolean {
  const strip = (value: string) => (/^[a-z]+:\/\/[^/]+\/$/i.test(value) ? value.slice(0, -1) : value);
  return strip(a) === strip(b);
}

/** Step 3: authorization server metadata; 4xx moves on to the next place, the issuer must match. */
async function fetchAuthServerMetadata(fetchImpl: Fetch, issuer: string, timeoutMs: number): Promise<AuthServerMetadata | undefined> {
  assertSecureEndpoint(issuer, 'authorization server');
  for (const candidate of authServerMetadataUrls(issuer)) {
    const response = await request(fetchImpl, candidate, { headers: { accept: 'application/json' } }, timeoutMs);
    if (!response.ok) {
      await response.body?.cancel();
      if (response.status >= 400 && response.status < 500) continue;
      throw new OAuthError(`${candidate} answered HTTP ${response.status}`, 'try again later', 'server_error');
    }
    const data = (await readJson(response, candidate)) as AuthServerMetadata;
    if (typeof data.issuer !== 'string' || !sameIssuer(data.issuer, issuer)) {
      throw new OAuthError(
        `the authorization server metadata at ${candidate} names issuer ${JSON.stringify(data.issuer)}, expected ${issuer}`,
        'refusing to continue: the metadata may be forged; report it to the server operator',
        'issuer_mismatch',
      );
    }
    return data;
  }
  return undefined;
}

/** Steps 5 and 6: PKCE S256 is a must, and every endpoint must be HTTPS (or loopback). */
export function checkAuthServer(metadata: AuthServerMetadata): void {
  if (!metadata.code_challenge_methods_supported?.includes('S256')) {
    throw new OAuthError(
      `${metadata.issuer} does not list PKCE S256 in code_challenge_methods_supported`,
      'the MCP authorization spec requires it; report it to the server operator',
      'pkce_unsupported',
    );
  }
  for (const field of ['authorization_endpoint', 'token_endpoint'] as const) assertSecureEndpoint(metadata[field], field.replace(/_/g, ' '));
  for (const field of ['registration_endpoint', 'revocation_endpoint', 'device_authorization_endpoint'] as const) {
    if (metadata[field] !== undefined) assertSecureEndpoint(metadata[field], field.replace(/_/g, ' '));
  }
}

/** Finds the authorization server of an MCP server, following the MCP authorization spec (2025-11-25, with 2025-03-26 fallbacks). */
export async function discover(serverUrl: string, options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const resource = canonicalResource(serverUrl);
  const { status, ...challenge } = await probe(fetchImpl, resource, timeoutMs);
  const resourceMetadata = await fetchResourceMetadata(fetchImpl, resource, challenge.resourceMetadata, timeoutMs);
  const base = { resource, ...(Object.keys(challenge).length ? { challenge } : {}) };

  if (resourceMetadata) {
    if (!resourceMatches(resourceMetadata.resource, resource)) {
      throw new OAuthError(
        `the resource metadata is for ${resourceMetadata.resource}, not ${resource}`,
        'refusing to authorize a mismatched resource; check the server URL',
        'resource_mismatch',
      );
    }
    const issuer = resourceMetadata.authorization_servers?.[0];
    if (!issuer) throw new OAuthError(`the resource metadata of ${resource} names no authorization server`, 'report it to the server operator', 'invalid_metadata');
    const authServer = await fetchAuthServerMetadata(fetchImpl, issuer, timeoutMs);
    if (!authServer) throw new OAuthError(`no authorization server metadata found for ${issuer}`, 'report it to the server operator', 'invalid_metadata');
    checkAuthServer(authServer);
    return { ...base, resourceMetadata, authServer, via: 'resource-metadata' };
  }

  if (options.authorizationServerHint) {
    const authServer = await fetchAuthServerMetadata(fetchImpl, options.authorizationServerHint, timeoutMs);
    if (authServer) {
      checkAuthServer(authServer);
      return { ...base, authServer, via: 'catalog-hint' };
    }
  }

  if (status !== 401 && status !== 403) {
    throw new OAuthError(`${resource} answered HTTP ${status} without asking for authorization, and publishes no OAuth metadata`, 'this server may need no authorization, or an API key instead', 'no_oauth');
  }

  // 2025-03-26: the MCP server's origin is the authorization server.
  const origin = new URL(resource).origin;
  const legacy = await fetchAuthServerMetadata(fetchImpl, origin, timeoutMs).catch((error: unknown) => {
    if (error instanceof OAuthError && error.code === 'issuer_mismatch') throw error;
    return undefined;
  });
  if (legacy) {
    checkAuthServer(legacy);
    return { ...base, authServer: legacy, via: 'legacy-metadata' };
  }
  const defaults: AuthServerMetadata = {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/register`,
    // The 2025-03-26 revision made PKCE mandatory, so a server of that age supports S256.
    code_challenge_methods_supported: ['S256'],
  };
  checkAuthServer(defaults);
  return { ...base, authServer: defaults, via: 'legacy-defaults' };
}
