import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { findEntry } from '../../core/catalog/index.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import type { ConfigData } from '../../core/config/store.js';
import { CliError } from '../../core/errors.js';
import { assertServerName } from '../../core/names.js';
import type { ForgetResult } from '../../core/oauth/store.js';
import type { KeychainStore } from '../../core/secrets/keychain.js';
import { isKeychainError } from '../../core/secrets/keychain-errors.js';

/** Forgets a server's OAuth grant, and its dynamic registration unless other grants use it. */
export type GrantForgetter = (server: string) => Promise<ForgetResult>;

export interface DisableResult {
  name: string;
  wasEnabled: boolean;
  grantCleared: boolean;
  /** The dynamic client registration the grant used was deleted (no other grant uses it). */
  clientDeleted: boolean;
  /** Other servers whose grants use the same registration, which is therefore kept. */
  clientSharedWith: string[];
  purged: string[];
  /** What could not be done because the keychain could not be used (the config change is done). */
  notDone: string[];
  keychainError?: CliError;
  /** The name was enabled but the catalog has it no more (a later release dropped the entry). */
  stale?: boolean;
  /** Stale only: whether it left an OAuth grant could not be checked (no keychain); not a failure. */
  grantUnchecked?: boolean;
}

export async function disableServer(
  name: string,
  options: { purge?: boolean },
  deps: {
    catalog: readonly ResolvedEntry[];
    keychain: KeychainStore;
    forgetGrant: GrantForgetter;
    updateConfig: <T>(mutate: (config: ConfigData) => T) => Promise<T>;
  },
): Promise<DisableResult> {
  assertServerName(name);
  const entry = deps.catalog.find((candidate) => candidate.name === name);
  const wasEnabled = await deps.updateConfig((config) => {
    const index = config.enabled.indexOf(name);
    if (index !== -1) config.enabled.splice(index, 1);
    return index !== -1;
  });
  // Not in the catalog and not enabled: unknown (with the name closest to the typed one).
  if (!entry && !wasEnabled) findEntry(deps.catalog, name);
  const result: DisableResult = { name, wasEnabled, grantCleared: false, clientDeleted: false, clientSharedWith: [], purged: [], notDone: [], ...(entry ? {} : { stale: true }) };
  // The config change stands on its own; what needs the keychain is done next, and what fails is reported.
  const steps: Array<[string, () => Promise<void>]> = [];
  // Only a remote server can hold an OAuth grant: a local one costs no keychain round trip. An entry the
  // catalog no longer has may have been remote: its grant, if any, goes too.
  if (!entry || entry.transport.type === 'remote') {
    steps.push([
      'its OAuth grant',
      async () => {
        const forgot = await deps.forgetGrant(name);
        Object.assign(result, { grantCleared: forgot.grantDeleted, clientDeleted: forgot.clientDeleted, clientSharedWith: forgot.clientSharedWith });
      },
    ]);
  }
  if (options.purge) {
    for (const secret of entry?.secrets ?? []) {
      steps.push([secret.name, async () => void ((await deps.keychain.delete(secret.name)) && result.purged.push(secret.name))]);
    }
  }
  for (const [what, step] of steps) {
    if (result.keychainError) {
      result.notDone.push(what);
      continue;
    }
    try {
      await step();
    } catch (error) {
      if (!isKeychainError(error)) throw error;
      result.keychainError = error;
      result.notDone.push(what);
    }
  }
  if (result.stale && result.keychainError) {
    // Whether a vanished entry ever had a grant is unknown: its name is off the list, which was the point.
    Object.assign(result, { keychainError: undefined, notDone: [], grantUnchecked: true });
  }
  return result;
}

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
