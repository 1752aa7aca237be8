import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { secretArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { isCliError } from '../../core/errors.js';
import { parseSecretNameFor } from '../../core/suggest.js';
import type { SecretResolver, SecretSource } from '../../core/secrets/resolve.js';
import type { ReferenceScheme } from '../../core/stores/reference.js';

export interface SecretCheckItem {
  name: string;
  /** "ok": it resolves (a reference) or is set (a value); "failed": its reference does not resolve; "missing": set nowhere. */
  status: 'ok' | 'failed' | 'missing';
  source?: SecretSource;
  store?: ReferenceScheme;
  reference?: string;
  error?: { code: string; message: string; hint?: string; exitCode: number };
}

export interface SecretCheckResult {
  secrets: SecretCheckItem[];
  ok: boolean;
  warnings: string[];
}

/**
 * Resolves every reference (or the named secrets) from its store, all in parallel and each once, and
 * reports OK or the store's error per secret. No value leaves this function.
 */
export async function checkSecrets(names: string[], deps: { resolver: SecretResolver; catalog: readonly ResolvedEntry[] }): Promise<SecretCheckResult> {
  for (const name of names) parseSecretNameFor(name, deps.catalog, 'mcpkey secret check');
  const wanted = names.length ? [...new Set(names)] : await deps.resolver.knownNames();
  const located = [];
  for (const name of wanted) located.push({ name, found: await deps.resolver.locate(name) });
  const secrets = await Promise.all(
    located.map(async ({ name, found }): Promise<SecretCheckItem> => {
      if (!found) {
        return { name, status: 'missing', error: { code: 'secret_not_found', message: `secret ${name} is not set`, hint: `set it with: mcpkey secret set ${name} (or --ref <reference>)`, exitCode: 3 } };
      }
      const base = { name, source: found.source, ...(found.reference ? { store: found.reference.scheme, reference: found.reference.text } : {}) };
      try {
        await deps.resolver.valueOf(found);
        return { ...base, status: 'ok' };
      } catch (error) {
        if (!isCliError(error)) throw error;
        return { ...base, status: 'failed', error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), exitCode: error.exitCode } };
      }
    }),
  );
  const warnings = deps.resolver.keychainError ? [`${deps.resolver.keychainError.message}; checked env and .env.mcp only`] : [];
  return { secrets, ok: secrets.every((item) => item.status === 'ok'), warnings };
}

export function printSecretCheck(result: SecretCheckResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  if (result.secrets.length === 0) {
    printer.note('No secrets found. Add a reference with: mcpkey secret set <server>.<key> --ref <reference>');
    return;
  }
  const { style } = printer;
  const word = (item: SecretCheckItem) => (item.status === 'ok' ? style.green('OK') : style.red(item.status === 'missing' ? 'MISSING' : 'FAILED'));
  printer.table(
    ['name', 'source', 'status', 'detail'],
    result.secrets.map((item) => [
      item.name,
      item.store ?? item.source ?? '-',
      word(item),
      item.error ? `${item.error.message}${item.error.hint ? ` — ${item.error.hint}` : ''}` : item.reference ? `resolved from ${item.source}` : `value in ${item.source}`,
    ]),
  );
}

export function registerCheck(parent: Command, runtime: Runtime): void {
  parent
    .command('check')
    .description('resolve every secret reference (or the named secrets) from its store and report OK or the error (never a value)')
    .addArgument(secretArgument('[names...]', 'secret names, <server>.<key> (default: every secret)'))
    .option('--json', 'machine-readable output')
    .addHelpText('after', `${examples('mcpkey secret check', 'mcpkey secret check neon.api_key --json')}\nExit code 0 when every secret resolves; otherwise the exit code of the first failure (3 not found, 4 not signed in, …).\n`)
    .action(
      action<{ json?: boolean }>(runtime, async (ctx, names, options) => {
        const result = await checkSecrets(names, { resolver: await ctx.resolver(), catalog: await ctx.catalog() });
        if (options.json) ctx.printer.json(result);
        else printSecretCheck(result, ctx.printer);
        const failed = result.secrets.find((item) => item.status !== 'ok');
        if (failed) ctx.runtime.exitCode = failed.error?.exitCode ?? 4;
      }),
    );
}
