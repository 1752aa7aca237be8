import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { describeMissing, readiness, type AuthKind, type GrantStatusSource, type MissingItem, type OAuthStatus } from '../../core/auth/classify.js';
import type { ResolvedEntry, Transport } from '../../core/catalog/types.js';
import type { SecretResolver } from '../../core/secrets/resolve.js';

export interface ServerListItem {
  name: string;
  title: string;
  kind: AuthKind;
  transport: Transport;
  source: 'builtin' | 'user';
  enabled: boolean;
  ready: boolean;
  missing: MissingItem[];
  /** Only for entries that use OAuth. */
  oauth?: OAuthStatus;
}

export interface ServerListResult {
  servers: ServerListItem[];
  warnings: string[];
}

export interface ServerListDeps {
  catalog: readonly ResolvedEntry[];
  enabled: readonly string[];
  resolver: SecretResolver;
  grants: GrantStatusSource;
}

export async function listServers(options: { enabled?: boolean }, deps: ServerListDeps): Promise<ServerListResult> {
  const servers: ServerListItem[] = [];
  for (const entry of deps.catalog) {
    const enabled = deps.enabled.includes(entry.name);
    if (options.enabled && !enabled) continue;
    const state = await readiness(entry, deps.resolver, deps.grants);
    servers.push({
      name: entry.name,
      title: entry.title,
      kind: state.kind,
      transport: entry.transport,
      source: entry.source,
      enabled,
      ready: state.ready,
      missing: state.missing,
      ...(state.oauth ? { oauth: state.oauth } : {}),
    });
  }
  const warnings = deps.resolver.keychainError ? [`${deps.resolver.keychainError.message}; secrets were looked up in env and .env.mcp only`] : [];
  return { servers, warnings };
}

export function printServerList(result: ServerListResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  const { style } = printer;
  printer.table(
    ['name', 'auth', 'enabled', 'status'],
    result.servers.map((server) => [
      server.source === 'user' ? `${server.name} ${style.dim('(user)')}` : server.name,
      server.kind,
      server.enabled ? style.green('yes') : 'no',
      server.ready ? style.green('ready') : style.yellow(`missing ${server.missing.map(describeMissing).join(', ')}`),
    ]),
  );
}

export function registerList(parent: Command, runtime: Runtime): void {
  parent
    .command('list')
    .alias('ls')
    .description('list the catalog: auth kind, enabled, ready or what is missing')
    .option('--enabled', 'only enabled servers')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey server list', 'mcpkey server list --enabled --json'))
    .action(
      action<{ enabled?: boolean; json?: boolean }>(runtime, async (ctx, _args, options) => {
        const result = await listServers(options, {
          catalog: await ctx.catalog(),
          enabled: (await ctx.config()).enabled,
          resolver: await ctx.resolver(),
          grants: ctx.grants,
        });
        if (options.json) ctx.printer.json(result);
        else printServerList(result, ctx.printer);
      }),
    );
}
