import type { Command } from 'commander';
import { action, examples, type Handler } from '../../cli/action.js';
import { completing } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { assertServerName, tryParseSecretName } from '../../core/names.js';
import type { SecretResolver, SecretSource } from '../../core/secrets/resolve.js';
import type { ReferenceScheme } from '../../core/stores/reference.js';

export interface SecretListItem {
  name: string;
  server: string;
  key: string;
  /** The source that wins. */
  source: SecretSource;
  /** Every source that holds it, highest priority first. */
  sources: SecretSource[];
  /** The keychain holds a value that env or .env.mcp overrides. */
  keychainShadowed: boolean;
  /** When the winning source holds a reference: the store's scheme (`op`), and the reference (not secret; never resolved here). */
  store?: ReferenceScheme;
  reference?: string;
}

export interface SecretListResult {
  secrets: SecretListItem[];
  warnings: string[];
}

export async function listSecrets(options: { server?: string }, deps: { resolver: SecretResolver }): Promise<SecretListResult> {
  if (options.server !== undefined) assertServerName(options.server);
  const secrets: SecretListItem[] = [];
  for (const name of await deps.resolver.knownNames()) {
    const parsed = tryParseSecretName(name)!;
    if (options.server !== undefined && parsed.server !== options.server) continue;
    const found = await deps.resolver.lookupAll(name);
    if (found.length === 0) continue;
    const sources = found.map((item) => item.source);
    const reference = found[0]!.reference;
    secrets.push({
      name,
      server: parsed.server,
      key: parsed.key,
      source: sources[0]!,
      sources,
      keychainShadowed: sources[0] !== 'keychain' && sources.includes('keychain'),
      ...(reference ? { store: reference.scheme, reference: reference.text } : {}),
    });
  }
  const warnings = deps.resolver.keychainError ? [`${deps.resolver.keychainError.message}; showing env and .env.mcp only`] : [];
  return { secrets, warnings };
}

export function printSecretList(result: SecretListResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  if (result.secrets.length === 0) {
    printer.note('No secrets found. Add one with: mcpkey secret set <server>.<key>');
    return;
  }
  printer.table(
    ['name', 'server', 'source', 'note'],
    result.secrets.map((item) => [
      item.name,
      item.server,
      // A reference shows its store; where the reference itself is kept goes in the note.
      item.store ?? item.source,
      [item.store ? `reference in ${item.source}` : '', item.keychainShadowed ? printer.style.yellow(`overrides keychain value`) : ''].filter(Boolean).join('; '),
    ]),
  );
}

/** What `secret list` does; commander calls it, and so does the direct path (direct.ts). */
export const listAction: Handler<{ server?: string; json?: boolean }> = async (ctx, _args, options) => {
  const result = await listSecrets(options, { resolver: await ctx.resolver() });
  if (options.json) ctx.printer.json(result);
  else printSecretList(result, ctx.printer);
};

export function registerList(parent: Command, runtime: Runtime): void {
  parent
    .command('list')
    .alias('ls')
    .description('list secrets from the keychain, .env.mcp and the environment (never their values)')
    // createOption, not `new Option`: this module is loaded without commander on the direct path.
    .addOption(completing(parent.createOption('--server <server>', 'only the secrets of this server'), 'server'))
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey secret list', 'mcpkey secret list --server neon --json'))
    .action(action(runtime, listAction));
}
