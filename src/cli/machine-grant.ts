import type { ResolvedEntry } from '../core/catalog/types.js';
import { KeychainUnavailableError } from '../core/errors.js';
import { isMachineGrant } from '../core/oauth/grants/settings.js';
import type { TokenDeps } from '../core/oauth/tokens.js';
import type { Context } from './context.js';
import { grantCredentials } from './credentials.js';

/** Token dependencies of a command: refresh locks, and the credentials grants without a person run again with. */
export function tokenDeps(ctx: Context): TokenDeps {
  return { store: ctx.grants, lockDir: ctx.stateDir, credentials: grantCredentials(ctx) };
}

/**
 * For an entry whose grant runs without a person (client credentials, JWT bearer, enterprise): the
 * grant is obtained when there is none, with nobody asked. Without an OS keychain (CI without D-Bus)
 * the context gets a grant store that lives in this process: each command then runs the grant itself.
 */
export async function withMachineGrant(ctx: Context, entry: ResolvedEntry): Promise<Context> {
  if (!entry.oauth || !isMachineGrant(entry.oauth.grant)) return ctx;
  let scoped = ctx;
  let existing;
  try {
    existing = await ctx.grants.grant(entry.name);
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    const [{ processKeychain }, { OAuthStore }] = await Promise.all([import('../core/oauth/grants/memory-store.js'), import('../core/oauth/store.js')]);
    scoped = { ...ctx, grants: new OAuthStore(processKeychain(ctx.keychain.service)) };
  }
  if (existing) return scoped;
  const [{ runAuthorize }, { withLock }, { REFRESH_LOCK_WAIT_MS }, { mkdir }, { join }] = await Promise.all([
    import('./authorize.js'),
    import('../core/lock.js'),
    import('../core/oauth/tokens.js'),
    import('node:fs/promises'),
    import('node:path'),
  ]);
  const obtain = () => runAuthorize({ ...scoped, interactive: false }, entry.name, {});
  if (scoped !== ctx) {
    await obtain();
    return scoped;
  }
  // The refresh lock: of many commands started at once, one obtains the grant, the others find it.
  await mkdir(ctx.stateDir, { recursive: true, mode: 0o700 });
  await withLock(join(ctx.stateDir, `oauth-${entry.name}`), async () => ((await ctx.grants.grant(entry.name)) ? undefined : obtain()), { timeoutMs: REFRESH_LOCK_WAIT_MS });
  return scoped;
}
