import { findEntry } from '../core/catalog/index.js';
import type { ResolvedEntry } from '../core/catalog/types.js';
import { UsageError } from '../core/errors.js';
import { assertServerName, printable } from '../core/names.js';
import type { AuthorizedFetchOptions } from '../core/oauth/fetch.js';
import type { McpConnection } from '../core/protocol/connection.js';
import type { ConnectOptions } from '../core/run/connect.js';
import type { ElicitationPolicy, ElicitMode } from '../core/protocol/elicitation.js';
import type { Context } from './context.js';
import version from '../core/version.cjs';
import { grantCredentials } from './credentials.js';

/** The options every command that talks MCP takes. */
export interface SessionOptions {
  authorize?: boolean;
  /** `--timeout SECONDS`: per request; wins over MCPKEY_REQUEST_TIMEOUT. */
  timeout?: string;
  verbose?: boolean;
  protocol?: string;
  elicit?: string;
  input?: string[];
}

/**
 * OAuth settings for reaching a remote entry from the CLI: refresh locks, and step-up through the
 * browser — only when someone can be there to finish it (a terminal, or `--authorize`). Otherwise a
 * step-up fails at once with the exact command to run: without a terminal mcpkey never waits.
 */
export function oauthFetchOptions(ctx: Context, name: string, options: { browser?: boolean } = {}): Omit<AuthorizedFetchOptions, 'server'> {
  const browser = options.browser ?? ctx.interactive;
  return {
    store: ctx.grants,
    lockDir: ctx.stateDir,
    credentials: grantCredentials(ctx),
    log: (message) => ctx.printer.note(`mcpkey: ${message}`),
    stepUp: async (scope, reason) => {
      const { authorizationNeeded } = await import('../core/oauth/step-up.js');
      if (!browser) throw authorizationNeeded(name, scope, reason);
      const { runAuthorize } = await import('./authorize.js');
      // stdin may be the protocol channel here: no prompts, no pasting; the browser does the work.
      await runAuthorize({ ...ctx, interactive: false }, name, { scope });
    },
  };
}

const ELICIT_MODES: readonly ElicitMode[] = ['ask', 'decline', 'accept-defaults'];

/** `--elicit` and `--input`: ask on a terminal, else decline unless told otherwise. Never waits without a terminal. */
export async function elicitationPolicy(ctx: Context, server: string, options: SessionOptions): Promise<ElicitationPolicy> {
  const { parseInputs } = await import('../core/protocol/elicitation.js');
  const requested = options.elicit;
  if (requested !== undefined && !(ELICIT_MODES as readonly string[]).includes(requested)) {
    throw new UsageError(`--elicit must be one of ${ELICIT_MODES.join(', ')}`, 'e.g. --elicit accept-defaults', 'invalid_option');
  }
  if (requested === 'ask' && !ctx.interactive) {
    throw new UsageError('--elicit ask needs a terminal', 'use --elicit accept-defaults or --input NAME=JSON', 'invalid_option');
  }
  const mode = (requested as ElicitMode | undefined) ?? (ctx.interactive ? 'ask' : 'decline');
  const inputs = parseInputs(options.input ?? []);
  if (mode !== 'ask') return { mode, inputs };
  const { terminalElicitation } = await import('./elicit-prompt.js');
  return { mode, inputs, ask: terminalElicitation(ctx.runtime, server) };
}

/**
 * `MCPKEY_REQUEST_TIMEOUT` (seconds): how long any one MCP request may wait for its answer, the
 * same for `tools` and for the remote side of `run`. Default 60 s.
 */
export function requestTimeoutMs(env: Context['runtime']['env'], flag?: string): number | undefined {
  const [raw, what, example] = flag !== undefined ? [flag, '--timeout', '--timeout 120'] : [env.MCPKEY_REQUEST_TIMEOUT, 'MCPKEY_REQUEST_TIMEOUT', 'MCPKEY_REQUEST_TIMEOUT=120'];
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new UsageError(`${what} must be a number of seconds between 0 and 86400`, `e.g. ${example}`, 'invalid_option');
  }
  return Math.round(seconds * 1000);
}

/** How the CLI reaches an entry: its secrets and OAuth grant, the era verdicts, `--protocol`. */
export async function connectOptions(
  ctx: Context,
  entry: ResolvedEntry,
  secrets: Record<string, string>,
  protocol: string | undefined,
  session: { timeout?: string; browser?: boolean } = {},
): Promise<ConnectOptions> {
  const [{ parseProtocolChoice }, { fileVerdictStore }] = await Promise.all([import('../core/protocol/revisions.js'), import('../core/protocol/verdicts.js')]);
  const timeoutMs = requestTimeoutMs(ctx.runtime.env, session.timeout);
  return {
    entry,
    secrets,
    env: ctx.runtime.env,
    cwd: ctx.runtime.cwd,
    oauth: oauthFetchOptions(ctx, entry.name, session.browser === undefined ? {} : { browser: session.browser }),
    protocol: parseProtocolChoice(protocol),
    verdicts: fileVerdictStore(ctx.stateDir),
    clientVersion: version(),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

/** Launchers that fetch the server on first use, and what that first use does. */
const DOWNLOADERS: Record<string, string> = {
  npx: 'the first run downloads the package',
  bunx: 'the first run downloads the package',
  pnpx: 'the first run downloads the package',
  uvx: 'the first run downloads the package',
  pipx: 'the first run downloads the package',
  docker: 'the first run pulls the image',
  podman: 'the first run pulls the image',
};

/** "starting NAME (npx -y PKG; the first run downloads the package)…", for a stdio entry started through a launcher. */
export function startingNote(entry: ResolvedEntry): string | undefined {
  if (entry.transport.type !== 'stdio') return undefined;
  const launcher = entry.transport.command.split(/[\\/]/).pop()!.replace(/\.(cmd|exe)$/i, '');
  const what = DOWNLOADERS[launcher];
  if (!what) return undefined;
  // The entry's own argv: a ${VAR} template stays a template, never a value.
  const command = printable([entry.transport.command, ...entry.transport.args].join(' '), 120);
  return `starting ${entry.name} (${command}; ${what})…`;
}

/** A connected session with the entry: secrets resolved, OAuth grant checked (or obtained with --authorize). */
export async function openSession(outer: Context, name: string, options: SessionOptions): Promise<{ entry: ResolvedEntry; connection: McpConnection }> {
  const entry = findEntry(await outer.catalog(), assertServerName(name));
  const [{ resolveEntrySecrets }, { connectEntry }, { usesOAuth }, { withMachineGrant }] = await Promise.all([
    import('../core/run/launch.js'),
    import('../core/run/connect.js'),
    import('../core/auth/classify.js'),
    import('./machine-grant.js'),
  ]);
  // A grant without a person is obtained here when missing, even without a keychain.
  const ctx = await withMachineGrant(outer, entry);
  const secrets = await resolveEntrySecrets(entry, await ctx.resolver());
  if (usesOAuth(entry) && (await ctx.grants.grant(entry.name)) === undefined) {
    if (!options.authorize) {
      const { notAuthorized } = await import('../core/oauth/errors.js');
      throw notAuthorized(entry.name, `${entry.name} needs authorization first`);
    }
    const { runAuthorize, printAuthorize } = await import('./authorize.js');
    printAuthorize(await runAuthorize(ctx, entry.name, {}), ctx.printer);
  }
  const starting = startingNote(entry);
  // Progress for a person only: a pipe gets nothing but the result.
  if (starting && ctx.runtime.stderr.isTTY === true) ctx.printer.note(starting);
  const connection = await connectEntry({
    // A step-up goes through the browser on a terminal or with --authorize; otherwise it fails with the command.
    ...(await connectOptions(ctx, entry, secrets, options.protocol, { ...(options.timeout !== undefined ? { timeout: options.timeout } : {}), browser: ctx.interactive || options.authorize === true })),
    elicitation: await elicitationPolicy(ctx, entry.name, options),
    ...(options.verbose ? { verbose: true } : {}),
    // Its last stderr lines go into the message should it fail to start: on a terminal only (a log keeps them).
    ...(ctx.runtime.stderr.isTTY === true ? { stderrTail: true } : {}),
  });
  return { entry, connection };
}

export interface ServerTools {
  server: string;
  /** The revision the server was spoken to in. */
  protocol: string;
  tools: import('../core/protocol/tools.js').ToolInfo[];
  /** Tools the server offers that cannot be used as defined (invalid `x-mcp-header` annotations), and why. */
  excluded: Array<{ name: string; reason: string }>;
}

/** The server's tools, as `tools list` and `server inspect --tools` show them. */
export async function listServerTools(ctx: Context, name: string, options: SessionOptions): Promise<ServerTools> {
  const { connection } = await openSession(ctx, name, options);
  try {
    const [{ describeTools }, { listTools }] = await Promise.all([import('../core/protocol/tools.js'), import('../core/protocol/connection.js')]);
    const listing = await connection.run((client) => listTools(connection, client));
    for (const excluded of listing.excluded) ctx.printer.warn(`${name}: left out the tool ${printable(excluded.name)}: ${printable(excluded.reason, 300)}`);
    return { server: name, protocol: connection.protocolVersion, tools: describeTools(listing.tools as Parameters<typeof describeTools>[0]), excluded: listing.excluded };
  } finally {
    await connection.close();
  }
}
