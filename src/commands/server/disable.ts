import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { findEntry } from '../../core/catalog/index.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import type { ConfigData } from '../../core/config/store.js';
import { assertServerName } from '../../core/names.js';
import type { KeychainStore } from '../../core/secrets/keychain.js';

/** Clears an OAuth grant; a no-op until grants exist. */
export type GrantClearer = (server: string) => Promise<boolean>;

export interface DisableResult {
  name: string;
  wasEnabled: boolean;
  grantCleared: boolean;
  purged: string[];
}

export async function disableServer(
  name: string,
  options: { purge?: boolean },
  deps: {
    catalog: readonly ResolvedEntry[];
    keychain: KeychainStore;
    clearGrant: GrantClearer;
    updateConfig: <T>(mutate: (config: ConfigData) => T) => Promise<T>;
  },
): Promise<DisableResult> {
  const entry = findEntry(deps.catalog, assertServerName(name));
  const wasEnabled = await deps.updateConfig((config) => {
    const index = config.enabled.indexOf(entry.name);
    if (index !== -1) config.enabled.splice(index, 1);
    return index !== -1;
  });
  const grantCleared = await deps.clearGrant(entry.name);
  const purged: string[] = [];
  if (options.purge) {
    for (const secret of entry.secrets) if (await deps.keychain.delete(secret.name)) purged.push(secret.name);
  }
  return { name: entry.name, wasEnabled, grantCleared, purged };
}

export function printDisable(result: DisableResult, printer: Printer): void {
  printer.success(result.wasEnabled ? `Disabled ${result.name}` : `${result.name} was not enabled`);
  if (result.grantCleared) printer.success(`Removed the OAuth grant of ${result.name}`);
  for (const name of result.purged) printer.success(`Deleted ${name} from the keychain`);
}

export function registerDisable(parent: Command, runtime: Runtime): void {
  parent
    .command('disable')
    .description('disable a server (and clear its OAuth grant); --purge also deletes its API-key secrets')
    .addArgument(serverArgument())
    .option('--purge', "also delete the server's secrets from the keychain")
    .addHelpText('after', examples('mcpkey server disable neon', 'mcpkey server disable neon --purge'))
    .action(
      action<{ purge?: boolean }>(runtime, async (ctx, [name], options) => {
        const result = await disableServer(name!, options, {
          catalog: await ctx.catalog(),
          keychain: ctx.keychain,
          clearGrant: (server) => ctx.grants.clear(server),
          updateConfig: ctx.updateConfig,
        });
        printDisable(result, ctx.printer);
      }),
    );
}
