import { homedir } from 'node:os';
import { Argument, type Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { serverChecker } from '../../core/clients/checks.js';
import { showPath } from '../../core/clients/client-file.js';
import { CLIENT_FORMATS, CLIENTS, isClientName, PROJECT_CLIENTS, type ClientName } from '../../core/clients/formats.js';
import { readClientFiles } from '../../core/clients/status.js';
import { describeMissing, type CheckServer } from '../../core/clients/warnings.js';
import type { Env } from '../../core/config/paths.js';
import { UsageError } from '../../core/errors.js';
import { printable } from '../../core/names.js';

export interface ClientStatusOptions {
  project?: boolean;
  json?: boolean;
}

export interface ClientStatusDeps {
  catalog: readonly ResolvedEntry[];
  enabled: readonly string[];
  cwd: string;
  env: Env;
  platform?: NodeJS.Platform;
  checkServer?: CheckServer;
  /** Why readiness could not be checked (the keychain did not answer), read after the checks. */
  checkProblem?: () => string | undefined;
  /** For tests: reads a file, undefined when it does not exist. */
  readFile?: (file: string) => Promise<string | undefined>;
}

export interface WiredServer {
  /** The entry's name in the client's file. */
  name: string;
  viaMcpkey: boolean;
  /** The mcpkey server the entry runs. */
  server?: string;
  /** The entry runs `mcpkey gateway` (client config --gateway). */
  gateway?: true;
  /** Whether that server is still in the catalog; then whether it is enabled and ready. */
  known?: boolean;
  enabled?: boolean;
  ready?: boolean;
  /** As readiness() gives them: the JSON vocabulary's typed items. */
  missing?: unknown[];
  nextSteps?: string[];
}

export interface ClientStatus {
  client: ClientName;
  title: string;
  file: string;
  exists: boolean;
  error?: string;
  servers: WiredServer[];
}

export interface ClientStatusResult {
  clients: ClientStatus[];
  warnings: string[];
}

export async function clientStatus(client: string | undefined, options: ClientStatusOptions, deps: ClientStatusDeps): Promise<ClientStatusResult> {
  if (client !== undefined && !isClientName(client)) {
    throw new UsageError(`unknown client "${printable(client)}"`, `choose one of ${CLIENTS.join(', ')}`, 'unknown_client');
  }
  if (options.project && client !== undefined && !PROJECT_CLIENTS.includes(client)) {
    throw new UsageError(`--project applies to ${PROJECT_CLIENTS.join(', ')} only`, `${CLIENT_FORMATS[client].title} has no separate project file`, 'invalid_option');
  }
  const platform = deps.platform ?? process.platform;
  const files = await readClientFiles({
    ...(client ? { clients: [client] } : {}),
    locate: { env: deps.env, cwd: deps.cwd, home: deps.env.HOME || deps.env.USERPROFILE || homedir(), platform, project: options.project },
    ...(deps.readFile ? { readFile: deps.readFile } : {}),
  });
  const warnings: string[] = [];
  const clients: ClientStatus[] = [];
  for (const status of files) {
    const title = CLIENT_FORMATS[status.client].title;
    if (status.error) warnings.push(`${title}: ${showPath(status.file)}: ${status.error}`);
    const servers: WiredServer[] = [];
    for (const ref of status.servers) {
      if (ref.gateway) {
        servers.push({ name: ref.name, viaMcpkey: true, gateway: true });
        continue;
      }
      if (!ref.viaMcpkey || !ref.server) {
        servers.push({ name: ref.name, viaMcpkey: false });
        continue;
      }
      const entry = deps.catalog.find((candidate) => candidate.name === ref.server);
      if (!entry) {
        servers.push({ ...ref, known: false });
        warnings.push(
          `${title}: "${printable(ref.name)}" runs mcpkey server "${printable(ref.server)}", which is not in the catalog: remove it with mcpkey client config ${status.client} --remove ${printable(ref.name)}`,
        );
        continue;
      }
      const wired: WiredServer = { ...ref, known: true, enabled: deps.enabled.includes(entry.name) };
      if (deps.checkServer) {
        const check = await deps.checkServer(entry);
        Object.assign(wired, { ready: check.ready, missing: check.missingItems, nextSteps: check.nextSteps });
      }
      servers.push(wired);
    }
    clients.push({ client: status.client, title, file: status.file, exists: status.exists, ...(status.error ? { error: status.error } : {}), servers });
  }
  const problem = deps.checkProblem?.();
  if (problem) {
    // Without the keychain every stored secret looks missing: no readiness rather than a wrong one.
    warnings.push(`readiness not checked: ${problem}`);
    for (const status of clients) for (const server of status.servers) for (const key of ['ready', 'missing', 'nextSteps'] as const) delete server[key];
  }
  return { clients, warnings };
}

function stateOf(server: WiredServer): string {
  if (!server.viaMcpkey) return 'not through mcpkey';
  if (server.gateway) return 'mcpkey gateway: every enabled server';
  if (server.known === false) return 'unknown server';
  const parts = [server.enabled ? 'enabled' : 'not enabled'];
  if (server.ready === true) parts.push('ready');
  if (server.ready === false) parts.push(`not ready (${server.nextSteps?.join('; ') || `missing ${(server.missing ?? []).map(describeMissing).join(', ')}`})`);
  return parts.join(', ');
}

export function printClientStatus(result: ClientStatusResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  for (const status of result.clients) {
    const where = status.exists ? showPath(status.file) : `${showPath(status.file)} (no file)`;
    printer.line(`${printer.style.bold(status.title)} (${status.client}): ${where}`);
    if (status.exists && !status.error && status.servers.length === 0) printer.line('  no servers');
    if (status.servers.length > 0) {
      printer.table(
        ['entry', 'server', 'state'],
        status.servers.map((server) => [`  ${printable(server.name)}`, server.server ? printable(server.server) : '-', stateOf(server)]),
      );
    }
  }
}

export function registerStatus(parent: Command, runtime: Runtime): void {
  parent
    .command('status')
    .description("which servers each MCP client's file wires, and whether each still exists, is enabled and is ready")
    .addArgument(new Argument('[client]', 'only this client').choices([...CLIENTS]))
    .option('--project', `the project's file instead of the user's (${PROJECT_CLIENTS.join(', ')})`)
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey client status', 'mcpkey client status cursor --json'))
    .action(
      action<ClientStatusOptions>(runtime, async (ctx, [client], options) => {
        const resolver = await ctx.resolver();
        const result = await clientStatus(client, options, {
          // The config first: a file that cannot be read is this command's error, not a fallback's warning.
          enabled: (await ctx.config()).enabled,
          catalog: await ctx.catalog(),
          cwd: runtime.cwd,
          env: runtime.env,
          checkServer: serverChecker(resolver, ctx.grants, (await ctx.envFile())?.path),
          checkProblem: () => resolver.keychainError?.message,
        });
        if (options.json) ctx.printer.json(result);
        else printClientStatus(result, ctx.printer);
      }),
    );
}
