import { dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Context } from '../../cli/context.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { configFile } from '../../core/config/paths.js';
import version from '../../core/version.cjs';
// Static: this module is loaded for the gateway's start alone, and one graph loads faster than a chain of imports.
import { serveGateway, type GatewayDeps } from '../../gateway/index.js';
import { startupKey } from '../../gateway/startup.js';
import { gatewayTimings, noteAtTerminal } from './settings.js';

/**
 * `mcpkey gateway` with no options, as every MCP client starts it at every start. The client's first
 * requests (`initialize`, then `tools/list`, answered from the tool cache when its startup key still
 * holds) are served before the CLI context exists: the context, the catalog and the config code load
 * on the first request that needs them, through the same deps as `mcpkey gateway` with options.
 */
export async function runQuickGateway(runtime: Runtime): Promise<number> {
  const timings = gatewayTimings({});
  // The printer only when there is something to say (most starts have nothing); lines keep their order.
  let printing: Promise<Pick<Printer, 'note'>> | undefined;
  const printer = {
    note: (text: string) =>
      void (printing ??= Promise.all([import('../../cli/output.js'), import('../../cli/io.js')]).then(([{ createPrinter }, { useColor }]) => createPrinter(runtime.stdout, runtime.stderr, useColor(runtime, undefined)))).then((ready) => ready.note(text)),
  };
  const file = configFile(runtime.env);
  let loading: Promise<{ ctx: Context; deps: GatewayDeps }> | undefined;
  const load = () =>
    (loading ??= (async () => {
      const [{ commandContext }, { gatewayDeps }] = await Promise.all([import('../../cli/action.js'), import('./deps.js')]);
      const ctx = await commandContext(runtime, {});
      return { ctx, deps: await gatewayDeps(ctx, String(timings.timeoutMs / 1000)) };
    })());
  const deps: GatewayDeps = {
    stateDir: dirname(file),
    state: async () => (await load()).deps.state(),
    readiness: async (entry) => (await load()).deps.readiness(entry),
    enable: async (name) => (await load()).deps.enable(name),
    disable: async (name) => (await load()).deps.disable(name),
    connect: async (entry) => (await load()).deps.connect(entry),
    authorize: async (entry, onLink) => (await load()).deps.authorize(entry, onLink),
  };
  const ver = version();
  noteAtTerminal(runtime, printer);
  return serveGateway({
    log: (message) => printer.note(`mcpkey gateway: ${message}`),
    deps,
    dynamic: true,
    ...timings,
    version: ver,
    startupKey: () => startupKey({ configFile: file, cwd: runtime.cwd, env: runtime.env, version: ver }),
    stdin: runtime.stdin as Readable,
    stdout: runtime.stdout as unknown as Writable,
  });
}
