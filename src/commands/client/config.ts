import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { Argument, Option, type Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { completing } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { findEntry } from '../../core/catalog/index.js';
import { staleEnabled } from '../../core/config/store.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { serverChecker } from '../../core/clients/checks.js';
import { openForEdit, replaceFile, showPath } from '../../core/clients/client-file.js';
import { entryActions, openClientDocument, renderSnippet, type ClientDocument } from '../../core/clients/documents.js';
import { buildClientEntry, buildGatewayEntry, buildSnippet, CLIENT_FORMATS, GATEWAY_ENTRY, CLIENTS, clientLocation, isClientName, PROJECT_CLIENTS, type ClientEntry, type ClientName } from '../../core/clients/formats.js';
import { findOnPath, isExecutable } from '../../core/run/launchers.js';
import { mcpkeyServerOf, runsGateway } from '../../core/clients/status.js';
import { commandWarning, serverWarnings, type CheckServer } from '../../core/clients/warnings.js';
import type { Env } from '../../core/config/paths.js';
import { ConfigError, NotFoundError, UsageError } from '../../core/errors.js';
import { assertServerName, printable } from '../../core/names.js';

export interface ClientConfigOptions {
  write?: boolean;
  /** Remove the named entries from the file instead (a backup is kept, as for writes). */
  remove?: boolean;
  file?: string;
  command?: string;
  project?: boolean;
  /** The single `mcpkey gateway` entry instead of one per server (named servers become its --servers). */
  gateway?: boolean;
  json?: boolean;
}

export interface ClientConfigDeps {
  catalog: readonly ResolvedEntry[];
  enabled: readonly string[];
  cwd: string;
  env: Env;
  platform?: NodeJS.Platform;
  /** For tests: when the backup needs a timestamped name. */
  now?: () => Date;
  /** Readiness of each wired server, for the warnings; none when not given. */
  checkServer?: CheckServer;
  /** Why readiness could not be checked (the keychain did not answer), read after the checks. */
  checkProblem?: () => string | undefined;
  /** Where the command the client runs resolves (on PATH, or the path itself); not checked when absent. */
  lookupCommand?: (command: string) => Promise<string | undefined>;
  /** This mcpkey's own executable, suggested as --command when mcpkey is not on PATH. */
  self?: string;
}

export interface ClientServerResult {
  name: string;
  entry: ClientEntry;
  /** How the client reaches the server: `mcpkey run NAME`, its own HTTP client with mcpkey as headers helper, or the gateway. */
  via: 'run' | 'headers-helper' | 'gateway';
  /** Only with --write: unchanged when the file already had exactly this entry. */
  action?: 'added' | 'replaced' | 'unchanged';
}

export interface ClientConfigResult {
  client: ClientName;
  file: string;
  /** The top-level key the servers go under: "mcpServers", "servers" (VS Code), "context_servers" (Zed), … */
  serversKey: string;
  written: boolean;
  /** The file already said all of it, so it was left as it was (no backup either). */
  unchanged?: boolean;
  servers: ClientServerResult[];
  /** With --remove: the entries removed. */
  removed?: string[];
  /** With --gateway: the servers its entry brings (named ones, else those enabled now; mcp-add adds more). */
  gatewayServers?: string[];
  /** The object to merge into the file. */
  snippet: Record<string, unknown>;
  /** The snippet in the file's own syntax (JSON, TOML or YAML). */
  snippetText: string;
  /** Where the previous file was copied before it was replaced. */
  backup?: string;
  warnings: string[];
}

function selectNames(names: string[], enabled: readonly string[], gateway: boolean): string[] {
  const chosen = names.length > 0 ? names : [...enabled];
  // The gateway needs no server to start with: servers can be added in the conversation (mcp-add).
  if (chosen.length === 0 && !gateway) {
    throw new UsageError('no servers to configure: none is enabled and none was named', 'name them (mcpkey client config cursor neon linear) or enable some first (mcpkey server enable NAME)', 'no_servers');
  }
  return [...new Set(chosen.map(assertServerName))];
}

function resolveCommand(raw: string | undefined): string {
  const command = raw ?? 'mcpkey';
  if (command.trim() === '' || /[\r\n\0]/.test(command)) {
    throw new UsageError('--command must be a path to the mcpkey executable', 'e.g. --command "$(command -v mcpkey)"', 'invalid_option');
  }
  return command;
}

function invalid(file: string, problem: string, comments?: boolean): ConfigError {
  return new ConfigError(
    `${showPath(file)} cannot be updated: ${problem}`,
    comments
      ? 'this client does not accept comments in its file, so mcpkey does not rewrite it: remove them, or paste the snippet (printed without --write) by hand'
      : 'fix the file, or paste the snippet (printed without --write) by hand; mcpkey never rewrites a file it cannot parse',
    'client_config_invalid',
  );
}

async function parsed(client: ClientName, file: string, text: string | undefined): Promise<ClientDocument> {
  const opened = await openClientDocument(client, text);
  if (!opened.ok) throw invalid(file, opened.problem, opened.comments);
  return opened.doc;
}

/** Removes named entries from the client's file: each must be there; a backup is kept. */
async function removeEntries(client: ClientName, names: string[], file: string, deps: ClientConfigDeps, base: ClientConfigResult): Promise<ClientConfigResult> {
  if (names.length === 0) throw new UsageError('--remove needs the names of the entries to remove', `e.g. mcpkey client config ${client} --remove neon`, 'missing_argument');
  const chosen = [...new Set(names)];
  const edit = await openForEdit(file, true);
  const doc = await parsed(client, file, edit.existing?.text);
  const absent = chosen.filter((name) => !Object.prototype.hasOwnProperty.call(doc.servers, name));
  if (absent.length > 0) {
    const present = Object.keys(doc.servers);
    throw new NotFoundError(
      `${showPath(file)} has no entry ${absent.map((name) => `"${printable(name)}"`).join(', ')}`,
      present.length > 0 ? `its entries: ${present.map((name) => printable(name)).join(', ')}; nothing was changed` : 'it has no server entries; nothing was changed',
      'client_entry_not_found',
    );
  }
  const result: ClientConfigResult = { ...base, removed: chosen };
  for (const name of chosen) {
    if (!mcpkeyServerOf(doc.servers[name]) && !runsGateway(doc.servers[name])) result.warnings.push(`${printable(name)} was not an entry mcpkey wrote (it does not run through mcpkey); removed as asked`);
  }
  if (doc.losesComments) result.warnings.push(`${CLIENT_FORMATS[client].title}'s file had comments; rewriting TOML does not keep them (the backup has them)`);
  result.backup = await replaceFile(edit, doc.edit([], chosen), deps.now ?? (() => new Date()));
  result.written = true;
  return result;
}

/** Entries that run one server through `mcpkey run` next to the gateway: its tools would be offered twice. */
function doubledByGateway(client: ClientName, servers: Record<string, unknown>): string[] {
  const doubled = Object.entries(servers).filter(([name, entry]) => name !== GATEWAY_ENTRY && mcpkeyServerOf(entry) !== undefined).map(([name]) => printable(name));
  if (doubled.length === 0) return [];
  return [`the file also runs ${doubled.join(', ')} through mcpkey; the gateway offers their tools too, so the client sees them twice: remove them with \`mcpkey client config ${client} --remove ${doubled.join(' ')}\``];
}

export async function configureClient(client: string, names: string[], options: ClientConfigOptions, deps: ClientConfigDeps): Promise<ClientConfigResult> {
  if (!isClientName(client)) {
    throw new UsageError(`unknown client "${printable(client)}"`, `choose one of ${CLIENTS.join(', ')}`, 'unknown_client');
  }
  const platform = deps.platform ?? process.platform;
  const format = CLIENT_FORMATS[client];
  if (options.project && !PROJECT_CLIENTS.includes(client)) {
    throw new UsageError(`--project applies to ${PROJECT_CLIENTS.join(', ')} only`, `${format.title} ${format.scope === 'project' ? 'always uses the current directory' : 'has no project file'}`, 'invalid_option');
  }
  if (options.project && options.file) throw new UsageError('give either --project or --file, not both', 'see mcpkey client config --help', 'invalid_option');
  const location = clientLocation(client, { env: deps.env, cwd: deps.cwd, home: deps.env.HOME || deps.env.USERPROFILE || homedir(), platform, project: options.project });
  const file = options.file ? resolve(deps.cwd, options.file) : location.file;
  const warnings: string[] = [];
  if (!options.file && location.note) warnings.push(location.note);
  const base: ClientConfigResult = { client, file, serversKey: format.serversKey, written: false, servers: [], snippet: {}, snippetText: '', warnings };
  if (options.remove && options.gateway) {
    if (names.length > 0) throw new UsageError('--remove --gateway removes the gateway entry; it takes no server names', `mcpkey client config ${client} --remove --gateway`, 'invalid_option');
    return removeEntries(client, [GATEWAY_ENTRY], file, deps, base);
  }
  if (options.remove) return removeEntries(client, names, file, deps, base);

  const command = resolveCommand(options.command);
  // An enabled name the catalog no longer has (a newer release, a removed entry) is skipped, not fatal.
  const stale = names.length === 0 ? staleEnabled(deps.enabled, deps.catalog) : [];
  for (const name of stale) warnings.push(`"${printable(name)}" is enabled but no longer in the catalog, so it is not wired; remove it with \`mcpkey server disable ${printable(name)}\``);
  const selected = selectNames(names, deps.enabled.filter((name) => !stale.includes(name)), options.gateway === true).map((name) => findEntry(deps.catalog, name));
  // An entry only the project file defines exists only where mcpkey runs inside the project.
  const projectOnly = selected.filter((entry) => entry.source === 'project').map((entry) => entry.name);
  if (projectOnly.length > 0 && format.scope !== 'project' && !options.project && !options.file) {
    warnings.push(`${projectOnly.join(', ')} ${projectOnly.length === 1 ? 'is' : 'are'} defined by this project's mcpkey.json, which ${format.title} does not see when it starts mcpkey elsewhere; prefer a project client file${PROJECT_CLIENTS.includes(client) ? ' (--project)' : ' (claude-code, vscode)'}`);
  }
  const entries = options.gateway
    ? [buildGatewayEntry(client, { command, platform, servers: names.length > 0 ? selected.map((entry) => entry.name) : [] })]
    : selected.map((entry) => buildClientEntry(client, entry, { command, platform }));
  const snippet = buildSnippet(client, entries);

  if (command !== 'mcpkey' && /[\\/]/.test(command) && !isAbsolute(command)) {
    warnings.push(`--command ${command} is a relative path; ${format.title} may start servers in another directory, so an absolute path is safer`);
  }
  if (deps.lookupCommand) {
    const warning = commandWarning(command, await deps.lookupCommand(command), deps.self);
    if (warning) warnings.push(warning);
  }
  const helped = entries.filter((built) => built.via === 'headers-helper').map((built) => built.name);
  if (helped.length > 0) {
    warnings.push(`${format.title} connects to ${helped.join(', ')} itself and asks \`mcpkey oauth token NAME --json\` for the Authorization header; authorize first with \`mcpkey oauth authorize NAME\``);
  }
  if (deps.checkServer) {
    const found: string[] = [];
    for (const entry of selected) found.push(...serverWarnings(format.title, entry.name, await deps.checkServer(entry)));
    // Without the keychain every stored secret looks missing: say that once instead of wrong advice.
    const problem = deps.checkProblem?.();
    warnings.push(...(problem ? [`readiness not checked: ${problem}`] : found));
  }

  const servers: ClientServerResult[] = entries.map(({ name, entry, via }) => ({ name, entry, via }));
  const result: ClientConfigResult = { ...base, servers, snippet, snippetText: await renderSnippet(client, snippet), ...(options.gateway ? { gatewayServers: selected.map((entry) => entry.name) } : {}) };

  const edit = await openForEdit(file, options.write === true);
  if (!options.write) return result;
  const doc = await parsed(client, file, edit.existing?.text);
  if (options.gateway) warnings.push(...doubledByGateway(client, doc.servers));
  const actions = entryActions(doc, entries);
  for (const server of servers) server.action = actions[server.name];
  if (edit.existing && servers.every((server) => server.action === 'unchanged')) {
    // Nothing to say that the file does not say already: no backup, no write, no new modification time.
    result.unchanged = true;
    return result;
  }
  if (doc.losesComments) warnings.push(`${format.title}'s file had comments; rewriting TOML does not keep them (the backup has them)`);
  result.backup = await replaceFile(edit, doc.edit(entries, []), deps.now ?? (() => new Date()));
  result.written = true;
  return result;
}

export function printClientConfig(result: ClientConfigResult, printer: Printer): void {
  const format = CLIENT_FORMATS[result.client];
  for (const warning of result.warnings) printer.warn(warning);
  if (result.removed) {
    printer.success(`${showPath(result.file)}: removed ${result.removed.join(', ')}`);
    if (!printer.tty) printer.note(`Updated ${showPath(result.file)}: removed ${result.removed.join(', ')}`);
    if (result.backup) printer.note(`The previous file is in ${showPath(result.backup)}`);
    printer.note(`Restart ${format.title} (or reload its MCP servers) to stop them.`);
    return;
  }
  if (result.unchanged) {
    const names = result.servers.map((server) => server.name).join(', ');
    printer.success(`${showPath(result.file)}: already up to date (${names})`);
    if (!printer.tty) printer.note(`${showPath(result.file)} is already up to date (${names}); nothing was written`);
    return;
  }
  if (!result.written) {
    printer.raw(result.snippetText);
    printer.note(`Merge this into ${showPath(result.file)} under "${result.serversKey}", or run again with --write to do it.`);
    return;
  }
  const added = result.servers.filter((server) => server.action === 'added').map((server) => server.name);
  const replaced = result.servers.filter((server) => server.action === 'replaced').map((server) => server.name);
  const parts = [added.length ? `added ${added.join(', ')}` : '', replaced.length ? `replaced ${replaced.join(', ')}` : ''].filter(Boolean);
  printer.success(`${showPath(result.file)}: ${parts.join('; ')}`);
  if (!printer.tty) printer.note(`Updated ${showPath(result.file)}: ${parts.join('; ')}`);
  if (result.backup) printer.note(`The previous file is in ${showPath(result.backup)}`);
  printer.note(`Restart ${format.title} (or reload its MCP servers) to use them.`);
}

/** This mcpkey's executable (bin/mcpkey.js), when it can be run by path. */
async function ownExecutable(): Promise<string | undefined> {
  const script = process.argv[1];
  return script ? realpath(script).catch(() => undefined) : undefined;
}

export function registerConfig(parent: Command, runtime: Runtime): void {
  parent
    .command('config')
    .description("print (or, with --write, merge) an MCP client's entries that run servers through mcpkey; no secret goes into the file")
    .addArgument(new Argument('<client>', 'the MCP client').choices([...CLIENTS]))
    .addArgument(completing(new Argument('[name...]', 'servers to add or remove (default: the enabled ones)'), 'server'))
    .option('--write', "merge the entries into the client's file (a backup of it is kept)")
    .option('--remove', "remove the named entries from the client's file (a backup of it is kept)")
    .addOption(completing(new Option('--file <path>', "the client's file (default: where the client reads it)"), 'file'))
    .option('--command <path>', 'the mcpkey executable the client runs (default: mcpkey, from its PATH)')
    .option('--project', `the project's file instead of the user's (${PROJECT_CLIENTS.join(', ')})`)
    .option('--gateway', 'one entry, "mcpkey", that runs `mcpkey gateway` for every enabled server (named servers: only those)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `\nFiles (Linux and macOS; see the README for Windows): claude-desktop ~/Library/Application Support/Claude/
claude_desktop_config.json (macOS), ~/.config/Claude/… (Linux, unofficial builds); claude-code ./.mcp.json;
cursor ~/.cursor/mcp.json; vscode ./.vscode/mcp.json; windsurf ~/.codeium/windsurf/mcp_config.json;
cline ~/.cline/data/settings/cline_mcp_settings.json; zed ~/.config/zed/settings.json; gemini ~/.gemini/settings.json;
codex ~/.codex/config.toml; goose ~/.config/goose/config.yaml. --project: ./.cursor/mcp.json, ./.gemini/settings.json,
./.zed/settings.json, ./.codex/config.toml. A file mcpkey cannot parse is never rewritten: exit code 6.
--gateway: the client gets one entry, "mcpkey" running \`mcpkey gateway\` (tools of every enabled server as
<server>__<tool>, servers added in the conversation with mcp-add); with names, \`mcpkey gateway --servers a,b\`.${examples(
        'mcpkey client config claude-desktop',
        'mcpkey client config cursor neon linear --write',
        'mcpkey client config claude-desktop --gateway --write',
        'mcpkey client config codex neon --write --command "$(command -v mcpkey)"',
        'mcpkey client config zed --remove neon',
        'mcpkey client config vscode --json',
      )}`,
    )
    .action(
      action<ClientConfigOptions>(runtime, async (ctx, [client, ...names], options) => {
        const resolver = options.remove ? undefined : await ctx.resolver();
        const result = await configureClient(client!, names, options, {
          // The config first: a file that cannot be read is this command's error, not a fallback's warning.
          enabled: (await ctx.config()).enabled,
          catalog: await ctx.catalog(),
          cwd: runtime.cwd,
          env: runtime.env,
          ...(resolver
            ? {
                checkServer: serverChecker(resolver, ctx.grants, (await ctx.envFile())?.path),
                checkProblem: () => resolver.keychainError?.message,
                lookupCommand: async (command: string) => findOnPath(command, { PATH: runtime.env.PATH, PATHEXT: runtime.env.PATHEXT, platform: process.platform }, isExecutable),
                self: await ownExecutable(),
              }
            : {}),
        });
        if (options.json) ctx.printer.json(result);
        else printClientConfig(result, ctx.printer);
      }),
    );
}
