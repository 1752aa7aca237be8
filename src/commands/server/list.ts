import type { Command } from 'commander';
import { action, examples, type Handler } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { classify, describeMissing, readiness, systemHost, type AuthKind, type GrantStatusSource, type HostCheck, type MissingItem, type OAuthStatus } from '../../core/auth/classify.js';
import type { EntrySource, ResolvedEntry, Transport } from '../../core/catalog/types.js';
import { staleEnabled } from '../../core/config/store.js';
import { UsageError } from '../../core/errors.js';
import { KeychainReader, readerOf } from '../../core/secrets/reader.js';
import type { SecretResolver } from '../../core/secrets/resolve.js';

export interface ServerListItem {
  name: string;
  title: string;
  kind: AuthKind;
  transport: Transport;
  source: EntrySource;
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
  /**
   * Told when more entries than KeychainReader.SINGLE_READS may ask the keychain: reading it all at
   * once then costs one connection instead of three single reads followed by the enumeration anyway.
   */
  manyReads?: () => void;
}

export const KINDS: readonly AuthKind[] = ['oauth', 'api-key', 'none'];

export interface ServerListOptions {
  enabled?: boolean;
  kind?: string;
  ready?: boolean;
  /** Case-insensitive, in the name, title or description. */
  search?: string;
}

function matches(entry: ResolvedEntry, search: string | undefined): boolean {
  if (search === undefined) return true;
  const wanted = search.toLowerCase();
  return [entry.name, entry.title, entry.description].some((text) => text.toLowerCase().includes(wanted));
}

/** The same command is looked up on PATH once, however many entries start it (npx, uvx, docker). */
function cachedHost(host: HostCheck): HostCheck {
  const known = new Map<string, boolean>();
  return {
    nodeVersion: host.nodeVersion,
    hasCommand: (command) => {
      let found = known.get(command);
      if (found === undefined) known.set(command, (found = host.hasCommand(command)));
      return found;
    },
  };
}

export async function listServers(options: ServerListOptions, deps: ServerListDeps): Promise<ServerListResult> {
  if (options.kind !== undefined && !KINDS.includes(options.kind as AuthKind)) {
    throw new UsageError('invalid --kind', `use one of: ${KINDS.join(', ')}`, 'invalid_option');
  }
  // Cheap filters first: readiness may ask the keychain.
  const candidates = deps.catalog.filter(
    (entry) => (!options.enabled || deps.enabled.includes(entry.name)) && (options.kind === undefined || classify(entry) === options.kind) && matches(entry, options.search),
  );
  if (candidates.filter((entry) => classify(entry) !== 'none').length > KeychainReader.SINGLE_READS) deps.manyReads?.();
  const host = cachedHost(systemHost());
  const servers: ServerListItem[] = [];
  for (const entry of candidates) {
    const enabled = deps.enabled.includes(entry.name);
    const state = await readiness(entry, deps.resolver, deps.grants, host);
    if (options.ready && !state.ready) continue;
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
  // An entry removed from the catalog (a newer release, `server remove` elsewhere) but still enabled.
  for (const name of staleEnabled(deps.enabled, deps.catalog)) {
    warnings.push(`"${name}" is enabled but no longer in the catalog; remove it with \`mcpkey server disable ${name}\``);
  }
  return { servers, warnings };
}

export function printServerList(result: ServerListResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  if (result.servers.length === 0) {
    printer.note('No servers match. See all with: mcpkey server list');
    return;
  }
  const { style } = printer;
  printer.table(
    ['name', 'auth', 'enabled', 'status'],
    result.servers.map((server) => [
      server.source === 'builtin' ? server.name : `${server.name} ${style.dim(`(${server.source})`)}`,
      server.kind,
      server.enabled ? style.green('yes') : 'no',
      server.ready ? style.green('ready') : style.yellow(`missing ${server.missing.map(describeMissing).join(', ')}`),
    ]),
  );
}

/** What `server list` does; commander calls it, and so does the direct path (direct.ts). */
export const listAction: Handler<ServerListOptions & { json?: boolean }> = async (ctx, _args, options) => {
  // The config first: a file that cannot be read is this command's error, not a fallback's warning.
  const { enabled } = await ctx.config();
  const result = await listServers(options, {
    catalog: await ctx.catalog(),
    enabled,
    resolver: await ctx.resolver(),
    grants: ctx.grants,
    // A failed enumeration is reported where a read needs it (as `keychainError`), as any failed read is.
    manyReads: () => void readerOf(ctx.keychain).all().catch(() => undefined),
  });
  if (options.json) ctx.printer.json(result);
  else printServerList(result, ctx.printer);
};

export function registerList(parent: Command, runtime: Runtime): void {
  parent
    .command('list')
    .alias('ls')
    .description('list the catalog: auth kind, enabled, ready or what is missing')
    .option('--enabled', 'only enabled servers')
    // createOption, not `new Option`: this module is loaded without commander on the direct path.
    .addOption(parent.createOption('--kind <kind>', 'only servers that authorize this way').choices(KINDS))
    .option('--ready', 'only servers that are ready to run')
    .option('--search <text>', 'only servers whose name, title or description contains this (any case)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'mcpkey server list',
        'mcpkey server list --enabled --json',
        'mcpkey server list --kind api-key --search database',
        'mcpkey server list --kind oauth --ready',
      ),
    )
    .action(action(runtime, listAction));
}
