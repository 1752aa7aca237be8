import type { Tool } from '@modelcontextprotocol/client';
import { discoverResult, initializeResult, localResult, type ServerDescription } from '../core/protocol/lifecycle.js';
import { LocalPeer, type JsonRpcId, type Message } from '../core/protocol/local-peer.js';
import { ToolCache } from './cache.js';
import { qualifiedName, routeName } from './naming.js';
import { OAuthFlows } from './oauth-flows.js';
import { callOwnTool, DYNAMIC_TOOLS, OWN_TOOLS, type GatewayControl } from './own-tools.js';
import type { GatewayOptions } from './types.js';
import { Upstreams } from './upstreams.js';

export type { GatewayDeps, GatewayOptions } from './types.js';
export { parseDuration } from './naming.js';

const SUBSCRIPTION = 'io.modelcontextprotocol/subscriptionId';

/** A request of a 2026-07-28 client carries the envelope in `_meta`; a 2025-era one had `initialize`. */
function isModern(message: Message): boolean {
  const meta = message.params?._meta as Record<string, unknown> | undefined;
  return message.method === 'server/discover' || typeof meta?.['io.modelcontextprotocol/protocolVersion'] === 'string';
}

/**
 * The gateway: one MCP server on the given streams (stdio, or one HTTP session's in-memory pair) that
 * offers the tools of every enabled server as `<server>__<tool>`, plus its own tools to find, add and
 * remove servers in the conversation. It speaks both eras to its client, as the `run` bridge does,
 * and answers the lifecycle itself. Resolves with the exit code when the client goes away.
 */
export async function serveGateway(options: GatewayOptions): Promise<number> {
  const { deps, log } = options;
  const local = new LocalPeer(options.stdin, options.stdout, log);
  const cache = new ToolCache(deps.stateDir, log);
  await cache.load();
  const listens = new Map<JsonRpcId, Record<string, unknown>>();
  const inflight = new Map<JsonRpcId, AbortController>();
  /** Requests the client cancelled: it expects no answer to these. */
  const cancelled = new Set<JsonRpcId>();
  let modern: boolean | undefined;
  let closed = false;
  /** With --servers, the session's own set; otherwise the config's enabled list, read afresh. */
  const chosen = options.servers ? new Set(options.servers) : undefined;

  let changePending = false;
  // A burst of changes (a server listed, then enabled) is told to the client once.
  const toolsChanged = () => {
    if (changePending) return;
    changePending = true;
    setTimeout(() => {
      changePending = false;
      tellChanged();
    }, 20);
  };
  const tellChanged = () => {
    if (closed || modern === undefined) return;
    if (!modern) return local.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    for (const [id, filter] of listens) if (filter.toolsListChanged === true) local.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { [SUBSCRIPTION]: id } } });
  };

  const upstreams = new Upstreams({ deps, cache, idleMs: options.idleMs, timeoutMs: options.timeoutMs, log, onToolsChanged: toolsChanged });
  const exposed = async () => {
    const { catalog, enabled } = await deps.state();
    const names = chosen ? [...chosen] : enabled;
    return { catalog, servers: names.filter((name) => catalog.some((entry) => entry.name === name)) };
  };
  const control: GatewayControl = {
    deps,
    upstreams,
    cache,
    exposed,
    include: (name) => chosen?.add(name),
    exclude: (name) => chosen?.delete(name),
    toolsChanged,
    flows: new OAuthFlows(deps, log, async (entry) => {
      await deps.enable(entry.name);
      chosen?.add(entry.name);
      await upstreams.tools(entry);
      toolsChanged();
    }),
  };

  // Servers with no cached list are started once, briefly, so the client sees every tool from the start.
  const priming = (async () => {
    const { catalog, servers } = await exposed();
    await Promise.all(
      servers.map(async (name) => {
        const entry = catalog.find((candidate) => candidate.name === name)!;
        if (cache.get(name) || !(await deps.readiness(entry)).ready) return;
        await upstreams.prime(entry);
      }),
    );
  })().catch((error: Error) => log(`cannot list the enabled servers: ${error.message}`));

  const describe: ServerDescription = {
    client: {
      getServerCapabilities: () => ({ tools: { listChanged: true } }),
      getServerVersion: () => ({ name: 'mcpkey-gateway', version: options.version }),
      getInstructions: () =>
        options.dynamic ? 'Tools of the MCP servers enabled in mcpkey, named <server>__<tool>. mcp-find searches for more servers, mcp-add enables one, mcp-status shows their state.' : undefined,
    },
  };

  const listing = async (): Promise<Tool[]> => {
    await priming;
    const { servers } = await exposed();
    const tools = OWN_TOOLS.filter((tool) => options.dynamic || !DYNAMIC_TOOLS.has(tool.name));
    for (const server of servers) for (const tool of cache.get(server)?.tools ?? []) tools.push({ ...tool, name: qualifiedName(server, tool.name) });
    return tools;
  };

  const callTool = async (params: Record<string, unknown>, signal: AbortSignal) => {
    const name = String(params.name ?? '');
    const args = (params.arguments ?? {}) as Record<string, unknown>;
    if (OWN_TOOLS.some((tool) => tool.name === name) && (options.dynamic || !DYNAMIC_TOOLS.has(name))) return callOwnTool(control, name, args);
    const { catalog, servers } = await exposed();
    const route = routeName(name, servers);
    if (!route) throw Object.assign(new Error(`Unknown tool: ${name}`), { code: -32602 });
    return upstreams.call(catalog.find((entry) => entry.name === route.server)!, route.tool, args, signal);
  };

  const handle = async (message: Message & { id: JsonRpcId; method: string }): Promise<unknown> => {
    switch (message.method) {
      case 'initialize':
        return initializeResult(describe, message.params?.protocolVersion);
      case 'server/discover':
        return discoverResult(describe);
      case 'ping':
        return {};
      case 'tools/list':
        return { tools: await listing() };
      case 'tools/call': {
        const controller = new AbortController();
        inflight.set(message.id, controller);
        try {
          return await callTool(message.params ?? {}, controller.signal);
        } finally {
          inflight.delete(message.id);
        }
      }
      case 'subscriptions/listen': {
        const asked = (message.params?.notifications ?? {}) as Record<string, unknown>;
        const honored = asked.toolsListChanged === true ? { toolsListChanged: true } : {};
        listens.set(message.id, honored);
        local.send({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: { [SUBSCRIPTION]: message.id }, notifications: honored } });
        return undefined; // answered when the subscription ends
      }
      default:
        throw Object.assign(new Error(`Method not found: ${message.method}`), { code: -32601 });
    }
  };

  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const shutdown = async () => {
    if (closed) return;
    closed = true;
    for (const controller of inflight.values()) controller.abort();
    for (const id of listens.keys()) local.send({ jsonrpc: '2.0', id, result: { resultType: 'complete', _meta: { [SUBSCRIPTION]: id } } });
    local.close();
    await upstreams.closeAll();
    await cache.flush();
    finish(0);
  };

  local.onmessage = (message) => {
    if (closed || message.method === undefined) return;
    if (message.id === undefined || message.id === null) {
      if (message.method === 'notifications/cancelled') {
        const id = message.params?.requestId as JsonRpcId | undefined;
        if (id !== undefined) {
          if (inflight.has(id)) cancelled.add(id);
          inflight.get(id)?.abort();
          listens.delete(id);
        }
      }
      return;
    }
    modern ??= isModern(message);
    const request = message as Message & { id: JsonRpcId; method: string };
    handle(request).then(
      (result) => {
        if (cancelled.delete(request.id)) return;
        if (result !== undefined && !closed) local.send({ jsonrpc: '2.0', id: request.id, result: localResult(request.method, result, modern === true) });
      },
      (error: { code?: unknown; message?: string }) => {
        if (closed || cancelled.delete(request.id)) return;
        const code = typeof error.code === 'number' ? error.code : -32603;
        local.send({ jsonrpc: '2.0', id: request.id, error: { code, message: code === -32603 ? `mcpkey gateway: ${String(error.message ?? error)}` : String(error.message) } });
      },
    );
  };
  local.onclose = () => void shutdown();
  local.start();
  return done;
}
