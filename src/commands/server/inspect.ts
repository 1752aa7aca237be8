import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { readiness, type GrantStatusSource, type Readiness } from '../../core/auth/classify.js';
import { findEntry } from '../../core/catalog/index.js';
import type { EntrySource, ResolvedEntry, Transport } from '../../core/catalog/types.js';
import { assertServerName, printable } from '../../core/names.js';
import type { SecretResolver } from '../../core/secrets/resolve.js';
import type { ToolInfo } from '../../core/protocol/tools.js';

export interface InspectResult extends Readiness {
  name: string;
  title: string;
  description: string;
  source: EntrySource;
  enabled: boolean;
  transport: Transport;
  oauthNote?: string;
  warnings: string[];
}

export async function inspectServer(
  name: string,
  deps: { catalog: readonly ResolvedEntry[]; enabled: readonly string[]; resolver: SecretResolver; grants: GrantStatusSource },
): Promise<InspectResult> {
  const entry = findEntry(deps.catalog, assertServerName(name));
  const state = await readiness(entry, deps.resolver, deps.grants);
  const note = entry.oauth ? entry.oauth.note : undefined;
  return {
    name: entry.name,
    title: entry.title,
    description: entry.description,
    source: entry.source,
    enabled: deps.enabled.includes(entry.name),
    transport: entry.transport,
    ...state,
    ...(note ? { oauthNote: note } : {}),
    warnings: deps.resolver.keychainError ? [`${deps.resolver.keychainError.message}; secrets were looked up in env and .env.mcp only`] : [],
  };
}

function describeTransport(transport: Transport): string {
  if (transport.type === 'remote') return `${transport.url} (${transport.transport})`;
  return [transport.command, ...transport.args].join(' ');
}

export function printInspect(result: InspectResult, printer: Printer): void {
  const { style } = printer;
  const ok = style.green('✓');
  const bad = style.red('✗');
  for (const warning of result.warnings) printer.warn(warning);
  printer.line(`${style.bold(result.name)} — ${result.title}${result.source === 'user' ? style.dim(' (user entry)') : ''}`);
  printer.line(result.description);
  printer.line();
  printer.line(`  auth:      ${result.kind}`);
  printer.line(`  transport: ${result.transport.type === 'remote' ? 'remote' : 'stdio'}  ${describeTransport(result.transport)}`);
  printer.line(`  enabled:   ${result.enabled ? 'yes' : 'no'}`);
  printer.line(`  status:    ${result.ready ? style.green('ready') : style.yellow('not ready')}`);
  if (result.secrets.length > 0) {
    printer.line();
    printer.line('  secrets:');
    for (const secret of result.secrets) {
      const mark = secret.present ? ok : secret.optional ? style.dim('-') : bad;
      const where = secret.present ? `from ${secret.source}` : secret.optional ? 'optional, not set' : 'missing';
      printer.line(`    ${mark} ${secret.name} → ${secret.env}  ${style.dim(where)}`);
      if (!secret.present && secret.url) printer.line(`      ${style.dim(`get one at ${secret.url}`)}`);
    }
  }
  if (result.oauth) {
    printer.line();
    const status = result.oauth;
    printer.line(`  oauth:     ${status.status === 'authorized' ? `${ok} authorized` : status.status.replace(/-/g, ' ')}`);
    if (status.issuer) printer.line(`    issuer:  ${status.issuer}`);
    if (status.expiresAt) printer.line(`    expires: ${status.expiresAt}`);
    if (status.scopes?.length) printer.line(`    scopes:  ${status.scopes.join(' ')}`);
    if (result.oauthNote) printer.line(`    note:    ${result.oauthNote}`);
  }
  if (result.nextSteps.length > 0) {
    printer.line();
    printer.line('  to make it ready:');
    for (const step of result.nextSteps) printer.line(`    ${step}`);
  }
}

function printInspectTools(result: { tools?: ToolInfo[]; toolsError?: string }, printer: Printer): void {
  printer.line();
  if (result.toolsError) {
    printer.line(`  tools available after auth: ${printer.style.yellow(`unknown (${printable(result.toolsError, 10_000)})`)}`);
    return;
  }
  printer.line(`  tools available after auth (${result.tools?.length ?? 0}):`);
  // The server's words are escaped before mcpkey's own styling goes around them.
  for (const tool of result.tools ?? []) printer.line(`    ${printable(tool.name, 200)}${tool.description ? printer.style.dim(`  ${printable(tool.description.split('\n')[0]!, 10_000)}`) : ''}`);
}

export function registerInspect(parent: Command, runtime: Runtime): void {
  parent
    .command('inspect')
    .description('show everything about one server: transport, auth, secrets (never values), status')
    .addArgument(serverArgument())
    .option('--json', 'machine-readable output')
    .option('--tools', 'also connect and list the tools the server offers')
    .addHelpText('after', examples('mcpkey server inspect neon', 'mcpkey server inspect linear --json', 'mcpkey server inspect memory --tools'))
    .action(
      action<{ json?: boolean; tools?: boolean }>(runtime, async (ctx, [name], options) => {
        const result: InspectResult & { tools?: ToolInfo[]; toolsError?: string } = await inspectServer(name!, {
          // The config first: a file that cannot be read is this command's error, not a fallback's warning.
          enabled: (await ctx.config()).enabled,
          catalog: await ctx.catalog(),
          resolver: await ctx.resolver(),
          grants: ctx.grants,
        });
        if (options.tools) {
          if (!result.ready) result.toolsError = `not ready: ${result.nextSteps.join('; ')}`;
          else {
            const { listServerTools } = await import('../../cli/session.js');
            try {
              result.tools = (await listServerTools(ctx, result.name, {})).tools;
            } catch (error) {
              result.toolsError = error instanceof Error ? error.message : String(error);
            }
          }
        }
        if (options.json) ctx.printer.json(result);
        else {
          printInspect(result, ctx.printer);
          if (options.tools) printInspectTools(result, ctx.printer);
        }
      }),
    );
}
