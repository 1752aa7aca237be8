import type { Command } from 'commander';
import { action, examples, type Handler } from '../../cli/action.js';
import { secretArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import { NotFoundError } from '../../core/errors.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { meantSecret, parseSecretNameFor } from '../../core/suggest.js';
import type { FoundSecret, SecretResolver } from '../../core/secrets/resolve.js';

export async function getSecret(name: string, deps: { resolver: SecretResolver; catalog: readonly ResolvedEntry[] }): Promise<FoundSecret> {
  parseSecretNameFor(name, deps.catalog, 'mcpkey secret get');
  const found = await deps.resolver.resolve(name);
  if (found) return found;
  // Not in env or file, and the keychain could not be asked: say that, not "not found".
  if (deps.resolver.keychainError) throw deps.resolver.keychainError;
  // `neon.apikey`: the name meant, never the typo again.
  const meant = meantSecret(name, deps.catalog);
  const hint = meant ? `did you mean \`mcpkey secret get ${meant}\`?` : `set it with: mcpkey secret set ${name}`;
  throw new NotFoundError(`secret ${name} is not set`, hint, 'secret_not_found');
}

/** What `secret get NAME` does; commander calls it, and so does the direct path (direct.ts). */
export const getAction: Handler<object> = async (ctx, [name]) => {
  const found = await getSecret(name!, { resolver: await ctx.resolver(), catalog: await ctx.catalog() });
  // The one place a value is printed; exactly one newline, which `secret set` strips again. To a
  // pipe byte for byte; on a terminal its control characters are shown escaped, never acted on.
  ctx.printer.raw(found.value);
};

export function registerGet(parent: Command, runtime: Runtime): void {
  parent
    .command('get')
    .description('print the value of a secret (from env, .env.mcp or the keychain, whichever wins)')
    .addArgument(secretArgument())
    .addHelpText('after', examples('mcpkey secret get neon.api_key', 'export NEON_API_KEY="$(mcpkey secret get neon.api_key)"'))
    .action(action(runtime, getAction));
}
