import type { Readable, Writable } from 'node:stream';
import { CliError } from '../errors.js';
import { listTools, passthrough, reissuingOnBrokenStream, type McpConnection } from './connection.js';
import { isEraRejection, ownError } from './failures.js';
import { discoverResult, forwardedParams, initializeResult, localResult } from './lifecycle.js';
import { LocalPeer, type JsonRpcId, type Message } from './local-peer.js';

/** What the bridge learns from the local client's first message, before it connects to the remote server. */
export interface LocalClient {
  /** The local client speaks 2026-07-28 (no `initialize`, `_meta` on every request). */
  modern: boolean;
  /** It declared that it can answer elicitations. */
  elicitation: boolean;
}

export interface BridgeOptions {
  /** Connects to the remote server; `onElicit` relays the server's questions to the local client, where it can answer them. */
  connect(local: LocalClient, onElicit: ((params: Record<string, unknown>) => Promise<Record<string, unknown>>) | undefined): Promise<McpConnection>;
  stdin: Readable;
  stdout: Writable;
  /** Diagnostics: stderr only, stdout is the protocol channel. */
  log: (message: string) => void;
  requestTimeoutMs?: number;
}

function describeLocal(message: Message): LocalClient {
  if (message.method === 'initialize') {
    const capabilities = (message.params?.capabilities ?? {}) as Record<string, unknown>;
    return { modern: false, elicitation: capabilities.elicitation !== undefined };
  }
  const meta = (message.params?._meta ?? {}) as Record<string, unknown>;
  const capabilities = (meta['io.modelcontextprotocol/clientCapabilities'] ?? {}) as Record<string, unknown>;
  return { modern: true, elicitation: capabilities.elicitation !== undefined };
}

/** A JSON-RPC error to hand back unchanged, carried out of `run()` as a value. */
class Relayed {
  constructor(readonly error: unknown) {}
}

/**
 * A 2026-07-28 server answers some JSON-RPC errors with an HTTP status (-32601 with 404, SEP-2575),
 * which the SDK reports as an HTTP failure carrying the body: the server's error is in there.
 */
function errorInBody(error: unknown): { code: number; message: string; data?: unknown } | undefined {
  const text = (error as { data?: { text?: unknown } } | undefined)?.data?.text;
  if (typeof text !== 'string') return undefined;
  try {
    const { code, message, data } = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown; data?: unknown } }).error ?? {};
    if (typeof code === 'number' && typeof message === 'string') return { code, message, ...(data !== undefined ? { data } : {}) };
  } catch {
    // not JSON: an HTTP failure of its own
  }
  return undefined;
}

function errorFor(error: unknown): { code: number; message: string; data?: unknown } {
  const own = ownError(error);
  if (own) return { code: -32603, message: `mcpkey: ${own.message}${own.hint ? ` — ${own.hint}` : ''}` };
  const { code, message, data } = error as { code?: unknown; message?: string; data?: unknown };
  // The server's own JSON-RPC errors pass unchanged; everything else is mcpkey's.
  if (typeof code === 'number') return { code, message: message ?? 'error', ...(data !== undefined ? { data } : {}) };
  return { code: -32603, message: `mcpkey: ${String(message ?? error).split('\n')[0]}` };
}

/**
 * A protocol-aware stdio ↔ remote proxy. The local client may speak either era, and so may the
 * remote server: mcpkey keeps one negotiated connection to the server (with auth, refresh and
 * step-up in its fetch) and answers the lifecycle locally — `initialize` from the server's
 * `server/discover`, `server/discover` from its `initialize` — relaying everything else.
 */
export async function runBridge(options: BridgeOptions): Promise<number> {
  const local = new LocalPeer(options.stdin, options.stdout, options.log);
  const inflight = new Map<JsonRpcId, AbortController>();
  // Requests not yet answered, and those of them the client cancelled: it expects no answer to these.
  const unanswered = new Set<JsonRpcId>();
  const cancelled = new Set<JsonRpcId>();
  const listens = new Map<JsonRpcId, { filter: Record<string, unknown>; close: () => Promise<void> }>();
  let connection: McpConnection | undefined;
  const definitions = new Map<string, import('@modelcontextprotocol/client').Tool>();
  let connecting: Promise<McpConnection> | undefined;
  let localClient: LocalClient | undefined;
  let exitCode = 0;
  let closed = false;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const shutdown = async (code: number) => {
    if (closed) return;
    closed = true;
    for (const controller of inflight.values()) controller.abort();
    for (const [id, listen] of listens) {
      await listen.close().catch(() => undefined);
      local.send({ jsonrpc: '2.0', id, result: { resultType: 'complete', _meta: { 'io.modelcontextprotocol/subscriptionId': id } } });
    }
    local.close();
    await connection?.close();
    finish(code);
  };

  /** Notifications from the server go to the client; on 2026-07-28 streams they carry the subscription of the client's listen. */
  const relayNotification = async (notification: { method: string; params?: Record<string, unknown> }) => {
    // Changed tools may carry other x-mcp-header annotations: list again before the next call.
    if (notification.method === 'notifications/tools/list_changed') definitions.clear();
    if (!localClient?.modern) {
      const params = forwardedParams(notification.params, false);
      local.send({ jsonrpc: '2.0', method: notification.method, ...(params ? { params } : {}) });
      return;
    }
    const wanted: Record<string, string> = { 'notifications/tools/list_changed': 'toolsListChanged', 'notifications/prompts/list_changed': 'promptsListChanged', 'notifications/resources/list_changed': 'resourcesListChanged' };
    for (const [id, listen] of listens) {
      const key = wanted[notification.method];
      const resources = listen.filter.resourceSubscriptions;
      const matches = key ? listen.filter[key] === true : notification.method === 'notifications/resources/updated' && Array.isArray(resources) && resources.includes(notification.params?.uri);
      if (matches) local.send({ jsonrpc: '2.0', method: notification.method, params: { ...notification.params, _meta: { ...((notification.params?._meta as object) ?? {}), 'io.modelcontextprotocol/subscriptionId': id } } });
    }
    if (notification.method === 'notifications/progress' || notification.method === 'notifications/message') local.send({ jsonrpc: '2.0', method: notification.method, ...(notification.params ? { params: notification.params } : {}) });
  };

  const ensureConnection = (first: Message): Promise<McpConnection> => {
    connecting ??= (async () => {
      localClient = describeLocal(first);
      const relay = !localClient.modern && localClient.elicitation ? (params: Record<string, unknown>) => local.request('elicitation/create', params) : undefined;
      const opened = await options.connect(localClient, relay);
      opened.client.fallbackNotificationHandler = relayNotification;
      connection = opened;
      // A 2025-era client expects change notifications unasked; a 2026-07-28 server sends them only on a listen stream.
      const caps = (opened.client.getServerCapabilities() ?? {}) as Record<string, { listChanged?: boolean } | undefined>;
      if (!localClient.modern && opened.era === 'modern') {
        const filter = { toolsListChanged: caps.tools?.listChanged === true, promptsListChanged: caps.prompts?.listChanged === true, resourcesListChanged: caps.resources?.listChanged === true };
        if (Object.values(filter).some(Boolean)) await opened.client.listen(filter).catch((error: Error) => options.log(`change notifications unavailable: ${error.message}`));
      }
      return opened;
    })();
    return connecting;
  };

  const listen = async (id: JsonRpcId, remote: McpConnection, filter: Record<string, unknown>) => {
    let close: () => Promise<void> = async () => undefined;
    let honored: Record<string, unknown> = filter;
    if (remote.era === 'modern') {
      const subscription = await remote.client.listen(filter);
      honored = subscription.honoredFilter as Record<string, unknown>;
      close = () => subscription.close();
    } else {
      // A 2025-era server sends what its capabilities say, unasked; honour the intersection.
      const caps = (remote.client.getServerCapabilities() ?? {}) as Record<string, { listChanged?: boolean; subscribe?: boolean } | undefined>;
      honored = Object.fromEntries(
        Object.entries(filter).filter(([key, value]) => value === true && ((key === 'toolsListChanged' && caps.tools?.listChanged) || (key === 'promptsListChanged' && caps.prompts?.listChanged) || (key === 'resourcesListChanged' && caps.resources?.listChanged))),
      );
    }
    listens.set(id, { filter: honored, close });
    local.send({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': id }, notifications: honored } });
  };

  const handleRequest = async (message: Message & { id: JsonRpcId; method: string }) => {
    const remote = await ensureConnection(message);
    const { method } = message;
    if (method === 'initialize') return initializeResult(remote, message.params?.protocolVersion);
    if (method === 'server/discover') return discoverResult(remote);
    if (method === 'ping') return {};
    if (method === 'subscriptions/listen') {
      await listen(message.id, remote, (message.params?.notifications ?? {}) as Record<string, unknown>);
      return undefined; // answered when the subscription ends
    }
    const controller = new AbortController();
    inflight.set(message.id, controller);
    try {
      const modernPair = localClient!.modern && remote.era === 'modern';
      const params = forwardedParams(message.params, modernPair);
      const requestOptions = { signal: controller.signal, timeout: options.requestTimeoutMs ?? 60_000, resetTimeoutOnProgress: true, ...(modernPair ? { allowInputRequired: true } : {}) };
      const forward = async (client: McpConnection['client']): Promise<unknown> => {
        // mcpkey lists every page itself: tools with invalid header annotations are left out, and the
        // definitions it keeps tell the SDK which arguments of a call to mirror into Mcp-Param headers.
        if (method === 'tools/list') {
          const listing = await listTools(remote, client, requestOptions);
          for (const excluded of listing.excluded) options.log(`left out the tool ${excluded.name}: ${excluded.reason}`);
          for (const tool of listing.tools) definitions.set(tool.name, tool);
          return { tools: listing.tools };
        }
        if (method === 'tools/call') {
          const name = String(params?.name ?? '');
          if (!definitions.has(name)) {
            const listing = await listTools(remote, client, requestOptions);
            for (const tool of listing.tools) definitions.set(tool.name, tool);
            const excluded = listing.excluded.find((tool) => tool.name === name);
            if (excluded) throw Object.assign(new Error(`mcpkey: the tool ${name} is left out: ${excluded.reason}`), { code: -32602 });
          }
          const toolDefinition = definitions.get(name);
          return client.callTool(params as never, { ...requestOptions, ...(toolDefinition ? { toolDefinition } : {}) });
        }
        return client.request({ method, ...(params ? { params } : {}) } as never, passthrough, requestOptions);
      };
      const outcome = await remote.run(async (client) => {
        try {
          // A lost 2026-07-28 response is asked for again once, as `tools` does.
          return await reissuingOnBrokenStream(() => forward(client), { signal: controller.signal });
        } catch (error) {
          // The server's own JSON-RPC errors go back as they are; run() would reword them for a terminal.
          if (typeof (error as { code?: unknown }).code === 'number' && !isEraRejection(error)) return new Relayed(error);
          const inBody = errorInBody(error);
          if (inBody && !isEraRejection(inBody)) return new Relayed(inBody);
          throw error;
        }
      });
      if (outcome instanceof Relayed) throw outcome.error;
      return outcome;
    } finally {
      inflight.delete(message.id);
    }
  };

  local.onmessage = (message) => {
    if (closed) return;
    if (message.method === 'notifications/cancelled') {
      const id = message.params?.requestId as JsonRpcId | undefined;
      if (id !== undefined) {
        if (unanswered.has(id)) cancelled.add(id);
        inflight.get(id)?.abort();
        const listening = listens.get(id);
        if (listening) {
          listens.delete(id);
          unanswered.delete(id);
          cancelled.delete(id);
          void listening.close().catch(() => undefined);
        }
      }
      return;
    }
    if (message.method === 'notifications/initialized') return;
    if (message.method !== undefined && (message.id === undefined || message.id === null)) {
      // Other notifications go to a connected server; before that there is nobody to tell.
      const params = forwardedParams(message.params, false);
      void connecting?.then((remote) => remote.client.notification({ method: message.method!, ...(params ? { params } : {}) } as never)).catch(() => undefined);
      return;
    }
    if (message.method === undefined) return;
    const request = message as Message & { id: JsonRpcId; method: string };
    unanswered.add(request.id);
    const answerable = () => {
      unanswered.delete(request.id);
      return !cancelled.delete(request.id) && !closed;
    };
    handleRequest(request).then(
      (result) => {
        if (result !== undefined && answerable()) local.send({ jsonrpc: '2.0', id: request.id, result: localResult(request.method, result, localClient?.modern === true) });
      },
      (error: unknown) => {
        const own = ownError(error);
        if (own) options.log(`${request.method} failed: ${own.message}${own.hint ? ` — ${own.hint}` : ''}`);
        if (answerable()) local.send({ jsonrpc: '2.0', id: request.id, error: errorFor(error) });
        // Without a connection there is nothing to bridge: report why and stop. A server that sent an
        // oversized message has had its connection closed, so every later request would fail the same way.
        if ((!connection || own?.code === 'message_too_large') && !closed) {
          exitCode = own?.exitCode ?? (error instanceof CliError ? error.exitCode : 1);
          void shutdown(exitCode);
        }
      },
    );
  };
  local.onclose = () => void shutdown(exitCode);
  local.start();
  return done;
}
