import type { Credentials } from '../core/oauth/grants/types.js';
import type { Context } from './context.js';

/** Credentials for grants without a person: the secret chain of this command (env → .env.mcp → keychain). */
export function grantCredentials(ctx: Context): Credentials {
  return {
    env: ctx.runtime.env,
    secret: async (name) => (await (await ctx.resolver()).resolve(name))?.value,
  };
}
