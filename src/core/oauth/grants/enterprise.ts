import { UsageError } from '../../errors.js';
import { requestIdJag } from '../../idp/exchange.js';
import { OAuthError } from '../errors.js';
import { openidClient } from '../openid.js';
import { grantConfiguration } from './client-key.js';
import { JWT_BEARER } from './jwt-bearer.js';
import type { Grant } from './types.js';

/**
 * Enterprise-managed authorization (MCP extension io.modelcontextprotocol/enterprise-managed-authorization,
 * SEP-990, draft-ietf-oauth-identity-assertion-authz-grant). Two requests, no browser:
 *  (b) at the company IdP, RFC 8693 token exchange of the user's ID token for an ID-JAG naming this
 *      server's authorization server (audience) and this server (resource) — idp/exchange.ts;
 *  (c) at the server's authorization server, the ID-JAG as an RFC 7523 JWT bearer assertion,
 *      authenticated as the client registered there (grantConfiguration: secret or key from the chain).
 * Renewal runs both again (the IdP may have changed its mind), so a refresh token is never kept.
 */
export const enterprise: Grant = {
  grantType: JWT_BEARER,
  async obtain(ctx) {
    const name = ctx.settings.idp;
    if (!name) throw new UsageError(`the enterprise grant of ${ctx.server} names no identity provider`, `pass --idp NAME (see mcpkey idp ls)`, 'invalid_option');
    if (!ctx.resource) {
      throw new UsageError('the enterprise grant names the server to the identity provider (RFC 8707 resource)', `authorize ${ctx.server} without --no-resource`, 'invalid_option');
    }
    if (!ctx.credentials.idp) throw new OAuthError(`no identity provider is available to renew ${ctx.server}`, `run \`mcpkey oauth authorize ${ctx.server}\``, 'idp_login_required');
    const idp = await ctx.credentials.idp(name);
    const { assertion } = await requestIdJag(idp.client, { server: ctx.server, audience: ctx.metadata.issuer, resource: ctx.resource, ...(ctx.scope ? { scope: ctx.scope } : {}) }, idp.deps);
    const lib = await openidClient();
    const { config, method } = await grantConfiguration(ctx);
    const tokens = await lib.genericGrantRequest(config, JWT_BEARER, { assertion, resource: ctx.resource, ...(ctx.scope ? { scope: ctx.scope } : {}) }, ctx.dpop);
    // A refresh token would renew the grant behind the IdP's back: renewal asks the IdP again.
    const { refresh_token: _ignored, ...kept } = tokens;
    return { tokens: kept, authMethod: method };
  },
};
