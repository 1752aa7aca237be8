import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Context } from '../../cli/context.js';
import type { Runtime } from '../../cli/io.js';
import { UsageError } from '../../core/errors.js';
import { assertServerName } from '../../core/names.js';
import type { GatewaySettings } from '../../gateway/index.js';
import type { GatewayHttpOptions } from './http.js';

export interface GatewayCommandOptions {
  servers?: string;
  dynamic?: boolean;
  idle?: string;
  timeout?: string;
}

import { DEFAULT_IDLE, DEFAULT_TIMEOUT, gatewayTimings, noteAtTerminal } from './settings.js';

export { DEFAULT_IDLE, DEFAULT_TIMEOUT } from './settings.js';

/** Everything `serveGateway` needs but the streams: one stdio session, or (with --http) one per HTTP session. */
export async function gatewaySettings(ctx: Context, options: GatewayCommandOptions): Promise<GatewaySettings> {
  const { idleMs, timeoutMs } = gatewayTimings(options);
  const [{ gatewayDeps }, { default: version }] = await Promise.all([import('./deps.js'), import('../../core/version.cjs')]);
  const servers = options.servers?.split(',').map((name) => name.trim()).filter(Boolean).map(assertServerName);
  if (servers) {
    // A typo is named now, with the closest name, not later as missing tools.
    const { findEntry } = await import('../../core/catalog/index.js');
    const catalog = await ctx.catalog();
    for (const name of servers) findEntry(catalog, name);
  }
  return {
    log: (message) => ctx.printer.note(`mcpkey gateway: ${message}`),
    deps: await gatewayDeps(ctx, String(timeoutMs / 1000)),
    ...(servers ? { servers } : {}),
    dynamic: options.dynamic !== false,
    idleMs,
    timeoutMs,
    version: version(),
  };
}

/** Serves the gateway on stdio until the client goes away; returns the exit code. */
export async function runGateway(ctx: Context, options: GatewayCommandOptions): Promise<number> {
  const [{ serveGateway }, settings] = await Promise.all([import('../../gateway/index.js'), gatewaySettings(ctx, options)]);
  noteAtTerminal(ctx.runtime, ctx.printer);
  const { startupKey } = await import('../../gateway/startup.js');
  const inputs = { configFile: ctx.configFile, cwd: ctx.runtime.cwd, env: ctx.runtime.env, version: settings.version, ...(settings.servers ? { servers: settings.servers } : {}) };
  return serveGateway({
    ...settings,
    startupKey: () => startupKey(inputs),
    stdin: ctx.runtime.stdin as Readable,
    // The real process.stdout (a Writable) outside tests.
    stdout: ctx.runtime.stdout as unknown as Writable,
  });
}

export function registerGateway(program: Command, runtime: Runtime): void {
  program
    .command('gateway')
    .description('one MCP server for every enabled server, with their credentials; find and add servers in the conversation')
    .option('--servers <a,b>', 'these servers instead of the enabled ones')
    .option('--no-dynamic', 'hide mcp-find, mcp-add and mcp-remove')
    .option('--idle <duration>', `stop a server unused this long (default ${DEFAULT_IDLE})`)
    .option('--timeout <duration>', `how long one tool call may take (default ${DEFAULT_TIMEOUT})`)
    .option('--http', 'serve streamable HTTP on 127.0.0.1 instead of stdio (every request needs the bearer token)')
    .option('--port <n>', 'with --http: the port (default 7417; 0 picks a free one)')
    .option('--allow-origin <origin...>', 'with --http: other web origins that may call it (pages on 127.0.0.1 and localhost always may)')
    .option('--print-token', "print the HTTP bearer token (made on first use, kept in the keychain) and exit")
    .option('--rotate-token', 'make a new HTTP bearer token (the old one stops working)')
    .addHelpText(
      'after',
      `
Tools are named <server>__<tool>. Servers start on the first call that needs them, with their
secrets injected as \`mcpkey run\` does, and stop when idle. mcp-add never takes a secret: it names
the \`mcpkey secret set\` command to run, or returns a sign-in link for an OAuth server.
--http serves http://127.0.0.1:PORT/mcp to clients of both protocol eras; requests need
"Authorization: Bearer TOKEN" (--print-token) and a loopback Origin, if any. Logs: gateway-http.log in MCPKEY_HOME.
${examples('mcpkey gateway', 'mcpkey gateway --servers memory,github --idle 5m', 'mcpkey gateway --no-dynamic', 'mcpkey gateway --http --port 7417', 'mcpkey gateway --print-token')}`,
    )
    .action(
      action<GatewayCommandOptions & GatewayHttpOptions>(runtime, async (ctx, _args, options) => {
        if ((options.port !== undefined || options.allowOrigin) && !options.http) throw new UsageError('--port and --allow-origin go with --http', 'e.g. mcpkey gateway --http --port 7417', 'invalid_option');
        if (!options.http && !options.printToken && !options.rotateToken) {
          runtime.exitCode = await runGateway(ctx, options);
          return;
        }
        const http = await import('./http.js');
        if (options.printToken || (options.rotateToken && !options.http)) return http.printGatewayToken(ctx, options);
        runtime.exitCode = await http.runHttpGateway(ctx, options);
      }),
    );
}
