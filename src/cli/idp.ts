import type { Context } from './context.js';
import { NotFoundError } from '../core/errors.js';
import { OAuthError } from '../core/oauth/errors.js';
import { assertIdpName, idpSecretName, type IdpConfig } from '../core/idp/config.js';
import type { IdpClient } from '../core/idp/login.js';
import { IdpSessionStore } from '../core/idp/session.js';
import type { IdpDeps } from '../core/idp/exchange.js';
import { mechanicalEnvName } from '../core/names.js';
import { closest } from '../core/suggest.js';

/** The configured provider of that name, or a not-found error naming the closest one. */
export async function idpConfigOf(ctx: Context, name: string): Promise<IdpConfig> {
  const idps = (await ctx.config()).idps ?? {};
  const config = idps[assertIdpName(name)];
  if (config) return config;
  const near = closest(name, Object.keys(idps));
  throw new NotFoundError(`no identity provider named ${name}`, near ? `did you mean ${near}? (mcpkey idp ls)` : `add it: mcpkey idp add ${name} --issuer URL --client-id ID`, 'idp_not_found');
}

/** The provider with its client secret, when it needs one, from the chain (environment, .env.mcp, keychain). */
export async function idpClientOf(ctx: Context, name: string): Promise<IdpClient> {
  const config = await idpConfigOf(ctx, name);
  if (config.clientAuth === 'none') return { name, config };
  const secretName = idpSecretName(name);
  const found = await (await ctx.resolver()).resolve(secretName);
  if (!found) {
    throw new OAuthError(
      `the client secret of identity provider ${name} is not set (${secretName}, or $${mechanicalEnvName(secretName)})`,
      `run \`mcpkey secret set ${secretName}\`, or set ${mechanicalEnvName(secretName)}`,
      'client_secret_missing',
    );
  }
  return { name, config, clientSecret: found.value };
}

export function idpDeps(ctx: Context): IdpDeps {
  return { sessions: new IdpSessionStore(ctx.keychain), lockDir: ctx.stateDir };
}
