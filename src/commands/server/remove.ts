import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { builtinEntry, UnknownServerError } from '../../core/catalog/index.js';
import type { ConfigData } from '../../core/config/store.js';
import { UsageError } from '../../core/errors.js';
import { assertServerName } from '../../core/names.js';
import { closest } from '../../core/suggest.js';

export interface RemoveResult {
  name: string;
  /** The user entry had replaced a built-in one, which is back now. */
  restoredBuiltin: boolean;
}

export async function removeServer(name: string, deps: { updateConfig: <T>(mutate: (config: ConfigData) => T) => Promise<T> }): Promise<RemoveResult> {
  assertServerName(name);
  return deps.updateConfig((config) => {
    const builtin = builtinEntry(name) !== undefined;
    if (!config.servers[name]) {
      if (builtin) throw new UsageError(`"${name}" is a built-in server and cannot be removed`, `disable it instead: mcpkey server disable ${name}`, 'builtin_entry');
      // Only the user's own entries can be removed: the name meant is one of them.
      const meant = closest(name, Object.keys(config.servers));
      throw new UnknownServerError(
        `no user server named "${name}"`,
        meant ? `did you mean \`mcpkey server remove ${meant}\`?` : 'run `mcpkey server list` to see your entries',
        name,
        meant,
      );
    }
    delete config.servers[name];
    if (!builtin) config.enabled = config.enabled.filter((enabled) => enabled !== name);
    return { name, restoredBuiltin: builtin };
  });
}

export function printRemove(result: RemoveResult, printer: Printer): void {
  printer.success(`Removed ${result.name}${result.restoredBuiltin ? ' (the built-in entry applies again)' : ''}`);
  printer.note(`Its secrets stay in the keychain: see mcpkey secret list --server ${result.name}`);
}

export function registerRemove(parent: Command, runtime: Runtime): void {
  parent
    .command('remove')
    .description('remove a server you added')
    .addArgument(serverArgument())
    .addHelpText('after', examples('mcpkey server remove acme'))
    .action(
      action(runtime, async (ctx, [name]) => {
        printRemove(await removeServer(name!, { updateConfig: ctx.updateConfig }), ctx.printer);
      }),
    );
}
