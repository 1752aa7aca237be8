import { OAuthError } from './errors.js';
import { checkAuthServer, fetchAuthServerMetadata, fetchResourceMetadata, type AuthServerMetadata, type Fetch, type ResourceMetadata } from './metadata.js';
import { probeForChallenge, type ChallengeParams } from './probe.js';
import { canonicalResource, resourceMatches } from './urls.js';

export { authServerMetadataUrls, checkAuthServer } from './metadata.js';
export type { AuthServerMetadata, Fetch, ResourceMetadata } from './metadata.js';

export interface DiscoveryResult {
  /** The MCP server's URL as configured (without a fragment): where the probes went. */
  serverUrl: string;
  /**
   * RFC 8707 `resource` of every authorization, token and refresh request: the protected resource
   * metadata's `resource` exactly as published (no re-serialisation), else the server's canonical URL.
   */
  resource: string;
  /** What the 401/403 challenge said, if the server sent one. */
  challenge?: ChallengeParams;
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

/** The authorization server the resource metadata names, with its metadata checked (exact issuer, PKCE, HTTPS). */
export async function authServerOf(fetchImpl: Fetch, resourceMetadata: ResourceMetadata, timeoutMs: number): Promise<AuthServerMetadata> {
  const issuer = resourceMetadata.authorization_servers?.[0];
  if (typeof issuer !== 'string' || issuer === '') {
    throw new OAuthError(`the resource metadata of ${resourceMetadata.resource} names no authorization server`, 'report it to the server operator', 'invalid_metadata');
  }
  const authServer = await fetchAuthServerMetadata(fetchImpl, issuer, timeoutMs);
  if (!authServer) throw new OAuthError(`no authorization server metadata found for ${issuer}`, 'report it to the server operator', 'invalid_metadata');
  checkAuthServer(authServer);
  return authServer;
}

/** Finds the authorization server of an MCP server, following the MCP authorization spec (2026-07-28, with 2025-03-26 fallbacks). */
export async function discover(serverUrl: string, options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const url = canonicalResource(serverUrl);
  const probe = await probeForChallenge(fetchImpl, url, timeoutMs);
  const challenge = probe.challenge;
  const resourceMetadata = await fetchResourceMetadata(fetchImpl, url, challenge.resourceMetadata, timeoutMs);
  const base = { serverUrl: url, ...(Object.keys(challenge).length ? { challenge } : {}) };

  if (resourceMetadata) {
    if (!resourceMatches(resourceMetadata.resource, url)) {
      throw new OAuthError(`the resource metadata is for ${resourceMetadata.resource}, not ${url}`, 'refusing to authorize a mismatched resource; check the server URL', 'resource_mismatch');
    }
    const authServer = await authServerOf(fetchImpl, resourceMetadata, timeoutMs);
    return { ...base, resource: resourceMetadata.resource, resourceMetadata, authServer, via: 'resource-metadata' };
  }

  if (options.authorizationServerHint) {
    const authServer = await fetchAuthServerMetadata(fetchImpl, options.authorizationServerHint, timeoutMs);
    if (authServer) {
      checkAuthServer(authServer);
      return { ...base, resource: url, authServer, via: 'catalog-hint' };
    }
  }

  if (!probe.challenged) {
    throw new OAuthError(`${url} answered HTTP ${probe.status} without asking for authorization, and publishes no OAuth metadata`, 'this server may need no authorization, or an API key instead', 'no_oauth');
  }

  // 2025-03-26: the MCP server's origin is the authorization server. Nothing names its issuer in
  // advance, so the one its metadata names is taken (on this origin only) and the flow is held to it.
  const origin = new URL(url).origin;
  const legacy = await fetchAuthServerMetadata(fetchImpl, origin, timeoutMs, 'same-origin').catch((error: unknown) => {
    if (error instanceof OAuthError && (error.code === 'issuer_mismatch' || error.code === 'insecure_endpoint')) throw error;
    return undefined;
  });
  if (legacy) {
    checkAuthServer(legacy);
    return { ...base, resource: url, authServer: legacy, via: 'legacy-metadata' };
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
  return { ...base, resource: url, authServer: defaults, via: 'legacy-defaults' };
}
