import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { Prompts } from '../../cli/prompts.js';
import { readiness, type AuthKind, type GrantStatusSource } from '../../core/auth/classify.js';
import { findEntry } from '../../core/catalog/index.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import type { ConfigData } from '../../core/config/store.js';
import { NotReadyError, UsageError } from '../../core/errors.js';
import { assertStorableValue } from '../../core/secrets/value.js';
import { assertServerName } from '../../core/names.js';
import type { KeychainStore } from '../../core/secrets/keychain.js';
import type { SecretResolver } from '../../core/secrets/resolve.js';

export interface EnableDeps {
  catalog: readonly ResolvedEntry[];
  resolver: SecretResolver;
  keychain: KeychainStore;
  grants: GrantStatusSource;
  prompts: Prompts;
  interactive: boolean;
  updateConfig: <T>(mutate: (config: ConfigData) => T) => Promise<T>;
}

export interface EnableResult {
  name: string;
  kind: AuthKind;
  alreadyEnabled: boolean;
  /** Secrets asked for and stored during this call. */
  stored: string[];
  /** Steps still needed (OAuth authorization). */
  nextSteps: string[];
}

export async function enableServer(name: string, deps: EnableDeps): Promise<EnableResult> {
  const entry = findEntry(deps.catalog, assertServerName(name));
  const state = await readiness(entry, deps.resolver, deps.grants);
  const stored: string[] = [];
  const missingSecrets = state.secrets.filter((secret) => !secret.optional && !secret.present);
  if (missingSecrets.length > 0) {
    if (!deps.interactive) {
      const commands = missingSecrets.map((secret) => `mcpkey secret set ${secret.name}`);
      throw new NotReadyError(
        `${entry.name} needs ${missingSecrets.map((secret) => secret.name).join(', ')}`,
        commands,
        `run ${commands.map((command) => `\`${command}\``).join(' and ')}, then enable again`,
        'missing_secrets',
      );
    }
    for (const secret of missingSecrets) {
      const hint = secret.url ? ` (get one at ${secret.url})` : '';
      const value = await deps.prompts.secret(`${secret.description} for ${secret.name}${hint}`);
      if (value === '') throw new UsageError(`refusing to store an empty value for ${secret.name}`, `run \`mcpkey secret set ${secret.name}\` later`, 'empty_value');
      // Not UTF-8, a NUL byte, over the limit: refused as `secret set` refuses it.
      assertStorableValue(secret.name, value);
      await deps.keychain.set(secret.name, value);
      stored.push(secret.name);
    }
  }
  const alreadyEnabled = await deps.updateConfig((config) => {
    const was = config.enabled.includes(entry.name);
    if (!was) config.enabled.push(entry.name);
    return was;
  });
  const nextSteps = state.nextSteps.filter((step) => !step.startsWith('mcpkey secret set'));
  return { name: entry.name, kind: state.kind, alreadyEnabled, stored, nextSteps };
}

export function printEnable(result: EnableResult, printer: Printer): void {
  for (const name of result.stored) printer.success(`Saved ${name} in the keychain`);
  printer.success(result.alreadyEnabled ? `${result.name} was already enabled` : `Enabled ${result.name}`);
  for (const step of result.nextSteps) printer.note(`Next: ${step}`);
}

export function registerEnable(parent: Command, runtime: Runtime): void {
  parent
    .command('enable')
    .description('enable a server; asks for missing API keys on a terminal, fails with the commands to run otherwise')
    .addArgument(serverArgument())
    .addHelpText('after', examples('mcpkey server enable memory', 'mcpkey server enable neon', 'mcpkey server enable linear'))
    .action(
      action(runtime, async (ctx, [name]) => {
        // A config file that cannot be read is this command's error (it writes the file), not a catalog fallback's warning.
        await ctx.config();
        const result = await enableServer(name!, {
          catalog: await ctx.catalog(),
          resolver: await ctx.resolver(),
          keychain: ctx.keychain,
          grants: ctx.grants,
          prompts: ctx.prompts,
          interactive: ctx.interactive,
          updateConfig: ctx.updateConfig,
        });
        // On a terminal, an OAuth entry can be authorized right away.
        if (result.nextSteps.length > 0 && result.kind === 'oauth' && ctx.interactive) {
          printEnable({ ...result, nextSteps: [] }, ctx.printer);
          if (await ctx.prompts.confirm(`Authorize ${result.name} now?`, true)) {
            const { runAuthorize, printAuthorize } = await import('../../cli/authorize.js');
            printAuthorize(await runAuthorize(ctx, result.name, {}), ctx.printer);
          } else ctx.printer.note(`Next: mcpkey oauth authorize ${result.name}`);
          return;
        }
        printEnable(result, ctx.printer);
      }),
    );
}
