import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { disableServer, type DisableResult } from '../../core/catalog/disable.js';
import { CliError } from '../../core/errors.js';

export { disableServer, type DisableResult, type GrantForgetter } from '../../core/catalog/disable.js';

export function printDisable(result: DisableResult, printer: Printer): void {
  printer.success(result.wasEnabled ? `Disabled ${result.name}` : `${result.name} was not enabled`);
  if (result.stale) {
    printer.note(`${result.name} is no longer in the catalog; it is off the enabled list now`);
    if (result.grantUnchecked) printer.note(`Whether ${result.name} left an OAuth grant could not be checked: the keychain is unavailable`);
    printer.note(`Any secrets it had stay in the keychain: see mcpkey secret list --server ${result.name}`);
  }
  if (result.grantCleared) printer.success(`Removed the OAuth grant of ${result.name}`);
  if (result.clientSharedWith.length > 0) {
    printer.note(`Kept the client registration ${result.name} used: ${result.clientSharedWith.join(', ')} still use${result.clientSharedWith.length === 1 ? 's' : ''} it`);
  }
  for (const name of result.purged) printer.success(`Deleted ${name} from the keychain`);
}

/**
 * Exit code 5 when a keychain step failed, like every command that needed the keychain and could not
 * use it; the message says first what was done.
 */
export function partialFailure(result: DisableResult, options: { purge?: boolean }): CliError | undefined {
  const error = result.keychainError;
  if (!error) return undefined;
  const done = result.wasEnabled ? `${result.name} is disabled` : `${result.name} was not enabled`;
  const again = `mcpkey server disable ${result.name}${options.purge ? ' --purge' : ''}`;
  return new CliError(`${done}, but ${result.notDone.join(', ')} could not be removed from the keychain: ${error.message}`, {
    code: error.code,
    exitCode: error.exitCode,
    hint: `${error.hint ? `${error.hint}; then ` : ''}run \`${again}\` again to finish`,
    cause: error,
  });
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
        // A config file that cannot be read is this command's error (it writes the file), not a catalog fallback's warning.
        await ctx.config();
        const result = await disableServer(name!, options, {
          catalog: await ctx.catalog(),
          keychain: ctx.keychain,
          forgetGrant: (server) => ctx.grants.forget(server),
          updateConfig: ctx.updateConfig,
        });
        printDisable(result, ctx.printer);
        const failure = partialFailure(result, options);
        if (failure) throw failure;
      }),
    );
}
