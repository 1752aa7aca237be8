import { openidClient } from '../openid.js';
import { grantConfiguration } from './client-key.js';
import type { Grant } from './types.js';

/** SEP-1046 / RFC 6749 §4.4: the client's own credentials, no browser, no PKCE, no refresh token. */
export const clientCredentials: Grant = {
  grantType: 'client_credentials',
  async obtain(ctx) {
    const lib = await openidClient();
    const { config, method } = await grantConfiguration(ctx);
    const tokens = await lib.clientCredentialsGrant(config, { ...(ctx.scope ? { scope: ctx.scope } : {}), ...(ctx.resource ? { resource: ctx.resource } : {}) }, ctx.dpop);
    return { tokens, authMethod: method };
  },
};
