import { realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { Argument, Option, type Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { completing } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { removeStaleTemps, writeFileAtomic } from '../../core/atomic.js';
import { findEntry } from '../../core/catalog/index.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { backUp, pruneBackups } from '../../core/clients/backups.js';
import {
  buildClientEntry,
  buildSnippet,
  CLIENT_FORMATS,
  CLIENTS,
  clientLocation,
  isClientName,
  mergeClientFile,
  parseClientFile,
  renderClientFile,
  type ClientEntry,
  type ClientName,
} from '../../core/clients/formats.js';
import type { Env } from '../../core/config/paths.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { decodeUtf8, fileProblem, readBoundedFile } from '../../core/files.js';
import { assertServerName, printable } from '../../core/names.js';

export interface ClientConfigOptions {
  write?: boolean;
  file?: string;
  command?: string;
  project?: boolean;
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
}

export interface ClientServerResult {
  name: string;
  entry: ClientEntry;
  /** How the client reaches the server: `mcpkey run NAME`, or its own HTTP client with mcpkey as headers helper. */
  via: 'run' | 'headers-helper';
  /** Only with --write: unchanged when the file already had exactly this entry. */
  action?: 'added' | 'replaced' | 'unchanged';
}

export interface ClientConfigResult {
  client: ClientName;
  file: string;
  /** The top-level key the servers go under: "mcpServers", or "servers" for VS Code. */
  serversKey: string;
  written: boolean;
  /** With --write: the file already said all of it, so it was left as it was (no backup either). */
  unchanged?: boolean;
  servers: ClientServerResult[];
  /** The object to merge into the file. */
  snippet: Record<string, unknown>;
  /** Where the previous file was copied before it was replaced. */
  backup?: string;
  warnings: string[];
}

/** File paths are shown whole, but never with control characters. */
function showPath(path: string): string {
  return printable(path, Infinity);
}

function fileError(file: string, verb: string, error: unknown): ConfigError {
  return new ConfigError(`cannot ${verb} ${showPath(file)} (${fileProblem(error)})`, `check the path and its permissions, or choose another file with --file`, 'client_config_unwritable');
}

function selectNames(names: string[], enabled: readonly string[]): string[] {
  const chosen = names.length > 0 ? names : [...enabled];
  if (chosen.length === 0) {
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

/** Where writes go: through a symbolic link (dotfile managers), instead of replacing the link with a file. */
async function targetOf(file: string): Promise<string | undefined> {
  try {
    return await realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(file, 'read', error);
  }
}

/** The file's bytes and mode: a regular file of at most 10 MiB (a FIFO or a device is refused unread). */
async function readExisting(file: string, target: string): Promise<{ bytes: Buffer; mode: number }> {
  try {
    const bytes = await readBoundedFile(target);
    return { bytes, mode: (await stat(target)).mode & 0o777 };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTREG' || code === 'EFBIG') throw new ConfigError(`${showPath(file)} cannot be updated: ${fileProblem(error)}`, 'choose the file itself with --file', 'client_config_invalid');
    throw fileError(file, 'read', error);
  }
}

export async function configureClient(client: string, names: string[], options: ClientConfigOptions, deps: ClientConfigDeps): Promise<ClientConfigResult> {
  if (!isClientName(client)) {
    throw new UsageError(`unknown client "${printable(client)}"`, `choose one of ${CLIENTS.join(', ')}`, 'unknown_client');
  }
  const platform = deps.platform ?? process.platform;
  const format = CLIENT_FORMATS[client];
  if (options.project && client !== 'cursor') {
    throw new UsageError('--project applies to cursor only', `${format.title} ${format.scope === 'project' ? 'always uses the current directory' : 'has no project file'}`, 'invalid_option');
  }
  if (options.project && options.file) throw new UsageError('give either --project or --file, not both', 'see mcpkey client config --help', 'invalid_option');
  const command = resolveCommand(options.command);

  const entries = selectNames(names, deps.enabled).map((name) => buildClientEntry(client, findEntry(deps.catalog, name), { command, platform }));
  const snippet = buildSnippet(client, entries);

  const warnings: string[] = [];
  const location = clientLocation(client, { env: deps.env, cwd: deps.cwd, home: deps.env.HOME || deps.env.USERPROFILE || homedir(), platform, project: options.project });
  const file = options.file ? resolve(deps.cwd, options.file) : location.file;
  if (!options.file && location.note) warnings.push(location.note);
  if (command !== 'mcpkey' && /[\\/]/.test(command) && !isAbsolute(command)) {
    warnings.push(`--command ${command} is a relative path; ${format.title} may start servers in another directory, so an absolute path is safer`);
  }
  const helped = entries.filter((built) => built.via === 'headers-helper').map((built) => built.name);
  if (helped.length > 0) {
    warnings.push(`${format.title} connects to ${helped.join(', ')} itself and asks \`mcpkey oauth token NAME --json\` for the Authorization header; authorize first with \`mcpkey oauth authorize NAME\``);
  }

  const servers: ClientServerResult[] = entries.map(({ name, entry, via }) => ({ name, entry, via }));
  const result: ClientConfigResult = { client, file, serversKey: format.serversKey, written: false, servers, snippet, warnings };

  const found = await targetOf(file);
  const target = found ?? file;
  // Whatever a crash left behind at the rename step goes first; it may hold other servers' tokens.
  await removeStaleTemps(target).catch(() => undefined);
  if (!options.write) return result;

  const existing = found ? await readExisting(file, found) : undefined;
  const text = existing ? decodeUtf8(existing.bytes) : undefined;
  if (existing && text === undefined) {
    // Rewriting it would turn its other bytes into U+FFFD: someone's values, changed without a word.
    throw new ConfigError(`${showPath(file)} cannot be updated: it is not UTF-8 text`, 'fix the file, or paste the snippet (printed without --write) by hand', 'client_config_invalid');
  }
  const parsed = parseClientFile(text, client);
  if (!parsed.ok) {
    throw new ConfigError(
      `${showPath(file)} cannot be updated: ${parsed.problem}`,
      parsed.comments
        ? 'mcpkey does not rewrite a file with comments, so as not to lose them: remove them, or paste the snippet (printed without --write) by hand'
        : 'fix the file, or paste the snippet (printed without --write) by hand; mcpkey never rewrites a file it cannot parse',
      'client_config_invalid',
    );
  }
  const merged = mergeClientFile(parsed.data, client, entries);
  for (const server of servers) server.action = merged.actions[server.name];
  if (existing && servers.every((server) => server.action === 'unchanged')) {
    // Nothing to say that the file does not say already: no backup, no write, no new modification time.
    result.unchanged = true;
    return result;
  }

  try {
    if (existing) {
      const backup = await backUp(file, existing.bytes, existing.mode, deps.now ?? (() => new Date())).catch((error: unknown) => {
        throw fileError((error as { path?: string }).path ?? file, 'write the backup', error);
      });
      if (!backup) throw new ConfigError(`cannot find a free backup name next to ${showPath(file)}`, 'remove old .bak files', 'client_config_unwritable');
      result.backup = backup;
      await pruneBackups(file);
      // Someone (the client itself, an editor) changed the file since we read it: stop rather than lose that.
      const again = await readBoundedFile(target);
      if (!again.equals(existing.bytes)) {
        throw new ConfigError(`${showPath(file)} changed while mcpkey was updating it`, 'nothing was written; run the command again', 'client_config_changed');
      }
    }
    // Not mcpkey's folder (a project, ~/.cursor): its permissions stay as they are; missing directories are created.
    await writeFileAtomic(target, renderClientFile(merged.data), { mode: existing?.mode ?? 0o600, privateDir: false });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fileError(file, 'write', error);
  }
  result.written = true;
  return result;
}

export function printClientConfig(result: ClientConfigResult, printer: Printer): void {
  const format = CLIENT_FORMATS[result.client];
  for (const warning of result.warnings) printer.warn(warning);
  if (result.unchanged) {
    const names = result.servers.map((server) => server.name).join(', ');
    printer.success(`${showPath(result.file)}: already up to date (${names})`);
    if (!printer.tty) printer.note(`${showPath(result.file)} is already up to date (${names}); nothing was written`);
    return;
  }
  if (!result.written) {
    printer.json(result.snippet);
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

export function registerConfig(parent: Command, runtime: Runtime): void {
  parent
    .command('config')
    .description("print (or, with --write, merge) an MCP client's entries that run servers through mcpkey; no secret goes into the file")
    .addArgument(new Argument('<client>', 'the MCP client').choices([...CLIENTS]))
    .addArgument(completing(new Argument('[name...]', 'servers to add (default: the enabled ones)'), 'server'))
    .option('--write', "merge the entries into the client's file (a backup of it is kept)")
    .addOption(completing(new Option('--file <path>', "the client's file (default: where the client reads it)"), 'file'))
    .option('--command <path>', 'the mcpkey executable the client runs (default: mcpkey, from its PATH)')
    .option('--project', "cursor: the project's .cursor/mcp.json instead of ~/.cursor/mcp.json")
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `\nFiles: claude-desktop ~/Library/Application Support/Claude/claude_desktop_config.json (macOS),
%APPDATA%\\Claude\\claude_desktop_config.json (Windows), ~/.config/Claude/… (Linux, unofficial builds);
claude-code ./.mcp.json; cursor ~/.cursor/mcp.json (--project: ./.cursor/mcp.json); vscode ./.vscode/mcp.json.
A file that does not parse as JSON (comments included) is never rewritten: exit code 6.${examples(
        'mcpkey client config claude-desktop',
        'mcpkey client config cursor neon linear --write',
        'mcpkey client config claude-code --write --command "$(command -v mcpkey)"',
        'mcpkey client config vscode --json',
      )}`,
    )
    .action(
      action<ClientConfigOptions>(runtime, async (ctx, [client, ...names], options) => {
        const result = await configureClient(client!, names, options, {
          catalog: await ctx.catalog(),
          enabled: (await ctx.config()).enabled,
          cwd: runtime.cwd,
          env: runtime.env,
        });
        if (options.json) ctx.printer.json(result);
        else printClientConfig(result, ctx.printer);
      }),
    );
}
