import { openidClient } from '../openid.js';
import { readAssertion } from './assertion.js';
import { grantConfiguration } from './client-key.js';
import type { Grant } from './types.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** SEP-1933 / RFC 7523 §2.1: the workload's platform-issued JWT is the grant; no stored secret needed. */
export const jwtBearer: Grant = {
  grantType: JWT_BEARER,
  async obtain(ctx) {
    // Checked by grantSettingsProblem: a jwt-bearer grant always has a source.
    const assertion = await readAssertion(ctx.settings.assertion!, ctx.credentials, ctx.metadata.issuer);
    const lib = await openidClient();
    const { config, method } = await grantConfiguration(ctx);
    const tokens = await lib.genericGrantRequest(config, JWT_BEARER, { assertion, ...(ctx.scope ? { scope: ctx.scope } : {}), ...(ctx.resource ? { resource: ctx.resource } : {}) }, ctx.dpop);
    return { tokens, authMethod: method };
  },
};
