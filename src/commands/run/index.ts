import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { action, examples, type Handler } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Context } from '../../cli/context.js';
import { isTerminal, type Runtime } from '../../cli/io.js';
import { findEntry } from '../../core/catalog/index.js';
import { UsageError } from '../../core/errors.js';
import { assertServerName } from '../../core/names.js';

export interface RunOptions {
  protocol?: string;
  authorize?: boolean;
}

/** stdin is a person's terminal: nothing will speak MCP there; say what this command is for. */
function sayWaiting(ctx: Context): void {
  if (isTerminal(ctx.runtime, 'stdin') && isTerminal(ctx.runtime, 'stderr')) {
    ctx.printer.note('mcpkey: waiting for an MCP client on stdin (this command is meant to be started by an MCP client; see mcpkey client config)');
  }
}

export async function runServer(outer: Context, name: string, override: string[], options: RunOptions = {}): Promise<number> {
  const entry = findEntry(await outer.catalog(), assertServerName(name));
  // A grant without a person (client credentials, …) is obtained when missing, even without a keychain.
  const ctx = entry.transport.type === 'remote' && override.length === 0 ? await (await import('../../cli/machine-grant.js')).withMachineGrant(outer, entry) : outer;
  const { resolveEntrySecrets, launchSpec, launch } = await import('../../core/run/launch.js');
  const secrets = await resolveEntrySecrets(entry, await ctx.resolver());
  if (entry.transport.type === 'remote' && override.length === 0) {
    const [{ connectOptions }, { runBridge }, { connectEntry }, { validGrant }, { usesOAuth }, { REQUEST_TIMEOUT_MS }] = await Promise.all([
      import('../../cli/session.js'),
      import('../../core/protocol/bridge.js'),
      import('../../core/run/connect.js'),
      import('../../core/oauth/tokens.js'),
      import('../../core/auth/classify.js'),
      import('../../core/protocol/connection.js'),
    ]);
    // stdin is the protocol channel: a step-up opens the browser only with --authorize, else the request fails with the command.
    const connect = await connectOptions(ctx, entry, secrets, options.protocol, { browser: options.authorize === true });
    // Fail before the client starts talking when there is no grant at all.
    if (usesOAuth(entry)) await validGrant(entry.name, connect.oauth);
    sayWaiting(ctx);
    return runBridge({
      connect: (_local, relayElicitation) =>
        connectEntry({
          ...connect,
          // Without a relay the server's questions are declined: stdin is the protocol channel, nobody can be asked.
          elicitation: { mode: 'decline', inputs: {} },
          ...(relayElicitation ? { relayElicitation } : {}),
        }),
      // The remote side waits as long as `tools` would for each answer (MCPKEY_REQUEST_TIMEOUT).
      requestTimeoutMs: connect.timeoutMs ?? REQUEST_TIMEOUT_MS,
      stdin: ctx.runtime.stdin,
      // The real process.stdout (a Writable) outside tests.
      stdout: ctx.runtime.stdout as unknown as Writable,
      log: (message) => ctx.printer.note(`mcpkey: ${message}`),
    });
  }
  const spec = launchSpec(entry, secrets, ctx.runtime.env, override);
  sayWaiting(ctx);
  return launch(spec, ctx.runtime.cwd);
}

/** What `run` does; commander calls it, and so does the direct path for `run NAME` (direct.ts). */
export const runAction: Handler<RunOptions & { dryRun?: boolean; json?: boolean }> = async (ctx, [name, ...override], options) => {
  if (options.json && !options.dryRun) throw new UsageError('--json goes with --dry-run', 'mcpkey run NAME --dry-run --json', 'invalid_option');
  if (options.dryRun) {
    const { planRun, printRunPlan } = await import('./plan.js');
    const plan = await planRun(ctx, findEntry(await ctx.catalog(), assertServerName(name!)), override);
    if (options.json) ctx.printer.json(plan);
    else printRunPlan(plan, ctx.printer);
    return;
  }
  ctx.runtime.exitCode = await runServer(ctx, name!, override, options);
};

export function registerRun(program: Command, runtime: Runtime): void {
  program
    .command('run')
    .description('start a server with its credentials injected (a stdio bridge for remote servers)')
    .addArgument(serverArgument())
    .argument('[command...]', 'run this command instead of the entry’s own, after --')
    .option('--protocol <revision>', 'a remote server: force 2026-07-28 or 2025-11-25 (default: negotiate)')
    .option('--authorize', 'a remote OAuth server asking for more scope: authorize in the browser (default: fail the request with the command to run)')
    .option('--dry-run', 'print what would start (command, argv, cwd, env file, variable names), start nothing')
    .option('--json', 'with --dry-run: machine-readable output')
    .addHelpText(
      'after',
      `
A local server gets its secrets as environment variables (never as arguments, unless the entry says
\${VAR} in an argument). A remote server is bridged: MCP clients that only speak stdio talk to it
through mcpkey, which adds the OAuth token (refreshed as needed) or the API-key header.
${examples(
  'mcpkey run neon',
  'mcpkey run linear                       # stdio ↔ https://mcp.linear.app/mcp',
  'mcpkey run github -- github-mcp-server stdio',
  'mcpkey run neon --dry-run               # what would start, and which variables; never a value',
)}`,
    )
    .action(action(runtime, runAction));
}
