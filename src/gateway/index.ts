import { discoverResult, initializeResult, localResult, type ServerDescription } from '../core/protocol/lifecycle.js';
import { LocalPeer, type JsonRpcId, type Message } from '../core/protocol/local-peer.js';
import { GatewayHub } from './hub.js';
import type { GatewayOptions } from './types.js';

export { GatewayHub } from './hub.js';
export type { GatewayDeps, GatewayOptions, GatewaySettings } from './types.js';
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
  const { log } = options;
  const local = new LocalPeer(options.stdin, options.stdout, log);
  const hub = options.hub ?? new GatewayHub(options);
  void hub.start();
  const listens = new Map<JsonRpcId, Record<string, unknown>>();
  const inflight = new Map<JsonRpcId, AbortController>();
  /** Requests the client cancelled: it expects no answer to these. */
  const cancelled = new Set<JsonRpcId>();
  let modern: boolean | undefined;
  let closed = false;

  const unsubscribe = hub.onToolsChanged(() => {
    if (closed || modern === undefined) return;
    if (!modern) return local.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    for (const [id, filter] of listens) if (filter.toolsListChanged === true) local.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { [SUBSCRIPTION]: id } } });
  });

  const describe: ServerDescription = {
    client: {
      getServerCapabilities: () => ({ tools: { listChanged: true } }),
      getServerVersion: () => ({ name: 'mcpkey-gateway', version: options.version }),
      getInstructions: () =>
        options.dynamic ? 'Tools of the MCP servers enabled in mcpkey, named <server>__<tool>. mcp-find searches for more servers, mcp-add enables one, mcp-status shows their state.' : undefined,
    },
  };

  /** With a progress token in the call, the server's progress goes to the client under that token, until the call ends. */
  const progressTo = (message: Message & { id: JsonRpcId }) => {
    const token = (message.params?._meta as { progressToken?: unknown } | undefined)?.progressToken;
    if (typeof token !== 'string' && typeof token !== 'number') return undefined;
    return ({ progress, total, message: text }: Record<string, unknown>) => {
      if (closed || !inflight.has(message.id) || typeof progress !== 'number') return;
      local.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress, ...(typeof total === 'number' ? { total } : {}), ...(typeof text === 'string' ? { message: text } : {}) } });
    };
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
        return { tools: await hub.listing() };
      case 'tools/call': {
        const controller = new AbortController();
        inflight.set(message.id, controller);
        try {
          return await hub.callTool(message.params ?? {}, controller.signal, progressTo(message));
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
    unsubscribe();
    if (!options.hub) await hub.close();
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
