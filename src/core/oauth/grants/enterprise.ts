import type { OAuthSpec } from '../../catalog/types.js';
import { requestIdJag, type IdpDeps } from '../../idp/exchange.js';
import type { IdpClient } from '../../idp/login.js';
import { issuerChangeNotice } from '../binding.js';
import type { ClientIdentity } from '../clients.js';
import { discover, type DiscoveryResult, type Fetch } from '../discovery.js';
import { OAuthError } from '../errors.js';
import { chooseScope, grantFromTokens } from '../grant.js';
import type { AuthServerMetadata } from '../metadata.js';
import { configuration, oauthFailure, openidClient } from '../openid.js';
import type { OAuthStore, StoredGrant, TokenAuthMethod } from '../store.js';
import { REFRESH_TIMEOUT_MS } from '../tokens.js';

/**
 * Enterprise-managed authorization (MCP extension io.modelcontextprotocol/enterprise-managed-authorization,
 * SEP-990): the company's identity provider turns its sign-in into an ID-JAG for one MCP server (RFC 8693,
 * idp/exchange.ts), and the server's authorization server turns that into an access token (RFC 7523 JWT
 * bearer grant, below). No browser per server; renewal is the same two requests again.
 */

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The client mcpkey is at the MCP server's authorization server: pre-registered, and known to the IdP. */
export interface EnterpriseClient {
  clientId: string;
  clientSecret?: string;
  authMethod: TokenAuthMethod;
}

export interface EnterpriseRequest {
  server: string;
  url: string;
  oauth?: OAuthSpec;
  scope?: string;
  client: EnterpriseClient;
  idp: IdpClient;
  resourceIndicator: boolean;
}

export interface EnterpriseDeps extends IdpDeps {
  store: OAuthStore;
  notify(message: string): void;
  fetch?: Fetch;
}

/** Fields a stored enterprise grant carries beyond the common ones, for its renewal. */
export interface EnterpriseGrantFields {
  grant: 'enterprise';
  /** The identity provider that issues its ID-JAGs. */
  idp: string;
}

export type EnterpriseGrant = StoredGrant & Partial<EnterpriseGrantFields>;

export function isEnterpriseGrant(grant: StoredGrant): grant is StoredGrant & EnterpriseGrantFields {
  return (grant as EnterpriseGrant).grant === 'enterprise' && typeof (grant as EnterpriseGrant).idp === 'string';
}

/** Step (c): the ID-JAG as an RFC 7523 assertion at the MCP server's authorization server. */
async function redeem(server: string, metadata: AuthServerMetadata, client: EnterpriseClient, assertion: string, params: { resource?: string; scope?: string }) {
  const lib = await openidClient();
  const config = await configuration(metadata, client);
  config.timeout = REFRESH_TIMEOUT_MS / 1000;
  try {
    return await lib.genericGrantRequest(config, JWT_BEARER_GRANT, { assertion, ...params });
  } catch (error) {
    const failure = oauthFailure(error, `the JWT bearer grant at ${metadata.issuer}`);
    if (failure.code === 'timeout' || failure.code === 'unreachable') throw failure;
    throw new OAuthError(
      `the authorization server of ${server} refused the identity assertion: ${failure.message.replace(/^.*?failed: (the server answered )?/, '')}`,
      `check that client ${client.clientId} is registered at ${metadata.issuer} and trusts the identity provider's assertions`,
      failure.code === 'oauth_failed' ? 'assertion_refused' : failure.code,
    );
  }
}

async function obtain(
  target: { server: string; resource: string; metadata: AuthServerMetadata; client: EnterpriseClient; scope?: string; noResourceIndicator?: boolean },
  idp: IdpClient,
  deps: EnterpriseDeps,
  previous?: StoredGrant,
): Promise<StoredGrant & EnterpriseGrantFields> {
  const now = deps.now ?? Date.now;
  const { assertion } = await requestIdJag(idp, { server: target.server, audience: target.metadata.issuer, resource: target.resource, ...(target.scope ? { scope: target.scope } : {}) }, deps);
  const tokens = await redeem(target.server, target.metadata, target.client, assertion, {
    ...(target.noResourceIndicator ? {} : { resource: target.resource }),
    ...(target.scope ? { scope: target.scope } : {}),
  });
  const identity: ClientIdentity = { kind: 'pre-registered', clientId: target.client.clientId, authMethod: target.client.authMethod };
  const grant = grantFromTokens(
    // A refresh token would outlive the IdP's say: renewal always goes through the IdP again.
    { ...tokens, refresh_token: undefined } as Parameters<typeof grantFromTokens>[0],
    { server: target.server, resource: target.resource, metadata: target.metadata, client: identity, ...(target.scope ? { requestedScope: target.scope } : {}), now: now(), ...(target.noResourceIndicator ? { noResourceIndicator: true } : {}) },
  );
  delete grant.refreshToken;
  if (previous?.noResourceIndicator) grant.noResourceIndicator = true;
  return { ...grant, grant: 'enterprise', idp: idp.name };
}

/** `oauth authorize --grant enterprise`: discovery, then the exchange at the IdP and the grant at the server's AS. */
export async function authorizeEnterprise(request: EnterpriseRequest, deps: EnterpriseDeps): Promise<{ grant: StoredGrant; discovery: DiscoveryResult }> {
  const discovery = await discover(request.url, {
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(request.oauth?.authorizationServer ? { authorizationServerHint: request.oauth.authorizationServer } : {}),
  });
  const metadata = discovery.authServer;
  const supported = metadata.grant_types_supported;
  if (Array.isArray(supported) && !supported.includes(JWT_BEARER_GRANT)) {
    throw new OAuthError(`the authorization server ${metadata.issuer} of ${request.server} does not offer the JWT bearer grant`, 'enterprise-managed authorization needs it; authorize without --grant enterprise', 'grant_unsupported');
  }
  const moved = issuerChangeNotice(request.server, await deps.store.grant(request.server), metadata.issuer);
  if (moved) deps.notify(moved);
  const scope = chooseScope(request, discovery)
    ?.split(' ')
    .filter((word) => word !== 'offline_access')
    .join(' ');
  const grant = await obtain(
    { server: request.server, resource: discovery.resource, metadata, client: request.client, ...(scope ? { scope } : {}), ...(request.resourceIndicator ? {} : { noResourceIndicator: true }) },
    request.idp,
    deps,
  );
  await deps.store.saveGrant(grant);
  return { grant, discovery };
}

/** Renewal of an expired enterprise grant (under the caller's per-server lock): both requests again, no browser. */
export async function renewEnterprise(grant: StoredGrant & EnterpriseGrantFields, client: EnterpriseClient, idp: IdpClient, deps: EnterpriseDeps): Promise<StoredGrant> {
  if (idp.name !== grant.idp) throw new OAuthError(`${grant.server} is bound to the identity provider ${grant.idp}`, `run \`mcpkey oauth authorize ${grant.server} --grant enterprise --idp ${idp.name}\``, 'idp_mismatch');
  const metadata: AuthServerMetadata = { issuer: grant.issuer, token_endpoint: grant.tokenEndpoint, ...(grant.revocationEndpoint ? { revocation_endpoint: grant.revocationEndpoint } : {}) };
  const scope = grant.requestedScope;
  const renewed = await obtain(
    { server: grant.server, resource: grant.resource, metadata, client, ...(scope ? { scope } : {}), ...(grant.noResourceIndicator ? { noResourceIndicator: true } : {}) },
    idp,
    deps,
    grant,
  );
  await deps.store.saveGrant(renewed);
  return renewed;
}
