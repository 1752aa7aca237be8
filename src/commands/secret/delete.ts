import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { secretArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { NotFoundError } from '../../core/errors.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { meantSecret, parseSecretNameFor } from '../../core/suggest.js';
import type { KeychainStore } from '../../core/secrets/keychain.js';
import type { LocatedSecret, SecretResolver } from '../../core/secrets/resolve.js';

export interface DeleteSecretResult {
  name: string;
  /** A value from env or .env.mcp that still applies after the keychain entry is gone. */
  stillApplies?: LocatedSecret;
}

export async function deleteSecret(
  name: string,
  deps: { keychain: KeychainStore; resolver: SecretResolver; catalog: readonly ResolvedEntry[] },
): Promise<DeleteSecretResult> {
  parseSecretNameFor(name, deps.catalog, 'mcpkey secret delete');
  const stillApplies = deps.resolver.fromEnv(name) ?? deps.resolver.fromEnvFile(name);
  const deleted = await deps.keychain.delete(name);
  if (!deleted) {
    const where = stillApplies ? ` (it comes from ${stillApplies.source === 'env' ? `the environment variable ${stillApplies.foundAs}` : `the env file key ${stillApplies.foundAs}`}; remove it there)` : '';
    const meant = stillApplies ? undefined : meantSecret(name, deps.catalog);
    const hint = meant ? `did you mean \`mcpkey secret delete ${meant}\`? (\`mcpkey secret list\` shows what is stored)` : 'run `mcpkey secret list` to see what is stored';
    throw new NotFoundError(`secret ${name} is not in the keychain${where}`, hint, 'secret_not_found');
  }
  return { name, ...(stillApplies ? { stillApplies } : {}) };
}

export function printDeleteSecret(result: DeleteSecretResult, printer: Printer): void {
  printer.success(`Deleted ${result.name} from the keychain`);
  const still = result.stillApplies;
  if (still) {
    printer.warn(
      `${result.name} still resolves from ${still.source === 'env' ? `the environment variable ${still.foundAs}` : `${still.foundAs} in the env file`}`,
    );
  }
}

export function registerDelete(parent: Command, runtime: Runtime): void {
  parent
    .command('delete')
    .alias('rm')
    .description('delete a secret from the keychain')
    .addArgument(secretArgument())
    .addHelpText('after', examples('mcpkey secret delete neon.api_key'))
    .action(
      action(runtime, async (ctx, [name]) => {
        printDeleteSecret(await deleteSecret(name!, { keychain: ctx.keychain, resolver: await ctx.resolver(), catalog: await ctx.catalog() }), ctx.printer);
      }),
    );
}
