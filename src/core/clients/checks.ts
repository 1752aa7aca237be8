/**
 * The readiness check `client config` and `client status` run for each wired server: readiness() of
 * the auth core, plus which present secrets only this shell can see (not in the keychain).
 */
import { readiness, type GrantStatusSource } from '../auth/classify.js';
import type { SecretResolver } from '../secrets/resolve.js';
import { describeMissing, type CheckServer, type EnvOnlySecret } from './warnings.js';

/** `envFile`: the path of the env file the resolver reads, to name it in warnings. */
export function serverChecker(resolver: SecretResolver, grants: GrantStatusSource, envFile?: string): CheckServer {
  return async (entry) => {
    const state = await readiness(entry, resolver, grants);
    const envOnly: EnvOnlySecret[] = [];
    for (const secret of state.secrets) {
      // The project's references are the project's, as the keychain's values are the user's: not this shell's.
      if (!secret.present || secret.source === 'keychain' || secret.source === 'project') continue;
      // Found first in env or .env.mcp; the keychain may hold it as well, and then a client sees it.
      const all = await resolver.lookupAll(secret.name);
      if (all.some((found) => found.source === 'keychain' || found.source === 'project')) continue;
      const first = all[0];
      if (first && (first.source === 'env' || first.source === '.env.mcp')) {
        envOnly.push({ name: secret.name, foundAs: first.foundAs ?? secret.env, source: first.source, ...(first.source === '.env.mcp' && envFile ? { file: envFile } : {}) });
      }
    }
    const items = state.missing as unknown[];
    return { ready: state.ready, missing: items.map(describeMissing), missingItems: [...items], nextSteps: [...state.nextSteps], envOnly };
  };
}
