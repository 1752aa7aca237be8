import type { OAuthSpec } from '../catalog/types.js';
import type { DiscoveryResult } from './discovery.js';
import type { DPoPKey } from './dpop.js';
import { OAuthError } from './errors.js';
import type { AuthServerMetadata } from './metadata.js';
import type { ClientAuthMethod, ClientKind, StoredGrant } from './store.js';

function words(scope: string | undefined): string[] {
  return scope?.split(/\s+/).filter(Boolean) ?? [];
}

/** Space-separated union, in first-seen order. */
export function unionScopes(...scopes: Array<string | undefined>): string {
  return [...new Set(scopes.flatMap(words))].join(' ');
}

/** Scope, in the spec's order: asked for, then the entry's, then the challenge's, then everything the resource supports. */
export function chooseScope(request: { scope?: string; oauth?: OAuthSpec }, discovery: DiscoveryResult): string | undefined {
  const base =
    request.scope ??
    (request.oauth?.scopes?.length ? request.oauth.scopes.join(' ') : undefined) ??
    discovery.challenge?.scope ??
    (discovery.resourceMetadata?.scopes_supported?.length ? discovery.resourceMetadata.scopes_supported.join(' ') : undefined);
  if (base === undefined) return undefined;
  const scopes = words(base);
  // A refresh token only where the authorization server lists offline_access; never invented.
  if (discovery.authServer.scopes_supported?.includes('offline_access') && !scopes.includes('offline_access')) scopes.push('offline_access');
  return scopes.join(' ');
}

/** The grant to keep from a token endpoint answer (authorization code, device code or refresh). */
export function grantFromTokens(
  tokens: { access_token: string; token_type?: string; refresh_token?: string; expires_in?: number; scope?: string },
  context: {
    server: string;
    resource: string;
    metadata: AuthServerMetadata;
    client: { kind: ClientKind; clientId: string; authMethod: ClientAuthMethod };
    requestedScope?: string;
    now: number;
    previous?: StoredGrant;
    noResourceIndicator?: boolean;
    /** The key the token request carried proofs of (RFC 9449); a refresh uses the previous grant's. */
    dpop?: DPoPKey;
  },
): StoredGrant {
  const tokenType = tokens.token_type ?? 'Bearer';
  const key = context.dpop ?? context.previous?.dpop;
  // A DPoP token only for a request that proved a key; an authorization server that answered Bearer did not bind it.
  const bound = key !== undefined && tokenType.toLowerCase() === 'dpop';
  if (!bound && tokenType.toLowerCase() !== 'bearer') {
    throw new OAuthError(`the server issued a ${tokenType} token; mcpkey supports Bearer and DPoP tokens only`, 'report it to the server operator', 'unsupported_token_type');
  }
  const refreshToken = tokens.refresh_token ?? context.previous?.refreshToken;
  const scope = tokens.scope ?? context.previous?.scope ?? context.requestedScope;
  const requestedScope = context.requestedScope ?? context.previous?.requestedScope;
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
    tokenType: bound ? 'DPoP' : 'Bearer',
    ...(bound ? { dpop: key } : {}),
    ...(typeof tokens.expires_in === 'number' ? { expiresAt: new Date(context.now + tokens.expires_in * 1000).toISOString() } : {}),
    ...(scope ? { scope } : {}),
    ...(requestedScope ? { requestedScope } : {}),
    obtainedAt: new Date(context.now).toISOString(),
  };
}
