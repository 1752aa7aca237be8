import type { SecretSource } from '../secrets/resolve.js';
import { fail, listed, ok, warn, type Check } from './types.js';

/** An enabled server: ready, or the commands that would make it so. */
export function checkServerReady(server: string, state: { ready: boolean; nextSteps: readonly string[] }): Check {
  const id = `server:${server}`;
  if (state.ready) return ok(id, `${server} is ready`);
  return fail(id, `${server} is enabled but not ready`, state.nextSteps.length > 0 ? `run: ${state.nextSteps.join('; ')}` : `see mcpkey server inspect ${server}`);
}

/** An enabled name no catalog entry has any more (removed, or from a later release). */
export function checkUnknownEnabled(server: string): Check {
  return fail(`server:${server}`, `${server} is enabled but no catalog entry has that name`, `mcpkey server disable ${server}`);
}

export function checkAnythingEnabled(count: number): Check | undefined {
  if (count > 0) return undefined;
  return warn('servers', 'no server is enabled', 'see mcpkey server list, then mcpkey server enable NAME');
}

export interface SecretOrigin {
  name: string;
  /** Every source that holds it, highest priority first. */
  sources: readonly SecretSource[];
  /** The variable (env) or key (.env.mcp) it was found under. */
  foundAs?: string;
}

/**
 * Secrets this shell has but the keychain does not: an MCP client started from the desktop or a
 * launcher has neither this shell's environment nor this directory's .env.mcp, so for it they are missing.
 */
export function checkShellOnlySecrets(server: string, secrets: readonly SecretOrigin[]): Check | undefined {
  const local = secrets.filter((secret) => secret.sources.length > 0 && !secret.sources.includes('keychain') && !secret.sources.includes('project'));
  if (local.length === 0) return undefined;
  const where = local.map((secret) => `${secret.name} (${secret.sources[0] === 'env' ? `environment variable ${secret.foundAs ?? ''}`.trim() : './.env.mcp'})`);
  return warn(
    `shell-only:${server}`,
    `${server}: ${listed(where)} ${local.length === 1 ? 'comes' : 'come'} only from this shell, which an MCP client started elsewhere does not see`,
    `store ${local.length === 1 ? 'it' : 'them'} in the keychain: ${local.map((secret) => `mcpkey secret set ${secret.name}`).join('; ')}`,
  );
}
