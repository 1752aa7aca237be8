import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../../cli/context.js';
import { UsageError } from '../../core/errors.js';
import { escapeControls } from '../../core/text.js';
import type { GatewayCommandOptions } from './index.js';

export interface GatewayHttpOptions {
  http?: boolean;
  port?: string;
  allowOrigin?: string[];
  printToken?: boolean;
  rotateToken?: boolean;
}

/** The log of `gateway --http` under MCPKEY_HOME: diagnostics only, never the token or a secret. */
export const HTTP_LOG = 'gateway-http.log';

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`, 'e.g. --port 7417, or --port 0 to pick a free one', 'invalid_option');
  return port;
}

function parseOrigins(values: string[] | undefined): string[] {
  return (values ?? []).map((value) => {
    let origin: string | undefined;
    try {
      origin = new URL(value).origin;
    } catch {
      origin = undefined;
    }
    if (!origin || origin === 'null' || origin !== value.replace(/\/$/, '')) throw new UsageError(`--allow-origin takes an origin like http://localhost:3000, not "${value}"`, 'scheme, host and port only, no path', 'invalid_option');
    return origin;
  });
}

/** `--print-token` (and `--rotate-token` alone): the bearer token on stdout, as `secret get` prints a value. */
export async function printGatewayToken(ctx: Context, options: GatewayHttpOptions): Promise<void> {
  const { gatewayToken } = await import('../../gateway/http-auth.js');
  const { token } = await gatewayToken(ctx.keychain, { rotate: options.rotateToken === true });
  ctx.runtime.stdout.write(`${token}\n`);
}

/**
 * `mcpkey gateway --http`: the gateway on http://127.0.0.1:PORT/mcp until interrupted, one session
 * per 2025-11-25 client and one shared by 2026-07-28 callers, all on one hub (the servers behind them).
 */
export async function runHttpGateway(ctx: Context, options: GatewayCommandOptions & GatewayHttpOptions): Promise<number> {
  const [{ serveGateway, GatewayHub }, { serveHttp, DEFAULT_HTTP_PORT }, { gatewayToken }, { gatewaySettings }] = await Promise.all([
    import('../../gateway/index.js'),
    import('../../gateway/http.js'),
    import('../../gateway/http-auth.js'),
    import('./index.js'),
  ]);
  const port = parsePort(options.port, DEFAULT_HTTP_PORT);
  const allowedOrigins = parseOrigins(options.allowOrigin);
  const settings = await gatewaySettings(ctx, options);
  await mkdir(ctx.stateDir, { recursive: true, mode: 0o700 });
  const file = createWriteStream(join(ctx.stateDir, HTTP_LOG), { flags: 'a', mode: 0o600 });
  // A log file that cannot be written is said once on stderr; the gateway serves on without it.
  file.once('error', (error) => settings.log(`cannot write ${HTTP_LOG}: ${error.message}`));
  const log = (message: string) => {
    settings.log(message);
    // Messages carry servers' text: one line each, with nothing a terminal would act on when the file is read.
    if (!file.errored) file.write(`${new Date().toISOString()} ${escapeControls(message)}\n`);
  };
  const { token, created } = await gatewayToken(ctx.keychain, { rotate: options.rotateToken === true });
  // One hub for every session: each server runs once, and a sign-in is never started twice.
  const hub = new GatewayHub({ ...settings, log });
  const gateway = await serveHttp({ serve: (streams) => serveGateway({ ...settings, log, hub, ...streams }), token, port, allowedOrigins, log }).catch(async (error: unknown) => {
    await hub.close();
    file.end();
    throw error;
  });
  log(`listening on ${gateway.url}`);
  // The token goes to a person at a terminal, once; never to the log file, nor to a stderr that may be one.
  if (created && ctx.runtime.stderr.isTTY === true) ctx.printer.note(`mcpkey gateway: clients send "Authorization: Bearer ${token}" (shown once; again with \`mcpkey gateway --print-token\`)`);
  else ctx.printer.note(`mcpkey gateway: clients send the bearer token \`mcpkey gateway --print-token\` prints`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log('stopping');
  await gateway.close();
  await hub.close();
  await new Promise<void>((resolve) => file.end(resolve));
  return 0;
}
