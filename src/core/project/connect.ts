import type { Env } from '../config/paths.js';
import { NotReadyError } from '../errors.js';
import type { ResolveReference } from './secrets.js';

/**
 * The one place the project file's references meet the store resolvers (src/core/stores). Until those
 * are part of this build, a reference is reported as one this build cannot resolve: the project's other
 * secrets (env, .env.mcp, keychain) still work, and `project check` names the reference.
 */
export async function referenceResolver(_env: Env): Promise<ResolveReference> {
  return async (reference) => {
    throw new NotReadyError(
      `cannot resolve ${reference.text}: this build of mcpkey has no resolver for ${reference.scheme}:// references`,
      [],
      'set the secret locally instead (mcpkey secret set NAME, or .env.mcp), or update mcpkey',
      'reference_unsupported',
    );
  };
}
