/**
 * 2026-07-28 callers over HTTP: no session, so every one of them is served by one shared gateway
 * instance. Each caller picks its own JSON-RPC ids (and progress tokens), which may collide with
 * another's: on the way in they are replaced by ids of mcpkey's own, on the way out put back, so an
 * answer, a progress notification or a listen stream's notifications reach only the caller they belong to.
 */
import { paramHeadersOf, type ParamHeaders } from './http-checks.js';
import { Reply, StreamInstance, type JsonRpcId, type Message, type StreamServer } from './http-streams.js';

const SUBSCRIPTION = 'io.modelcontextprotocol/subscriptionId';

/** HTTP statuses the 2026-07-28 transport gives some JSON-RPC errors (sent as JSON, not on a stream). */
export function statusOf(message: Message): number {
  const code = message.error?.code;
  if (code === -32601) return 404;
  if (code === -32020 || code === -32022 || code === -32021) return 400;
  return 200;
}

interface Pending {
  id: JsonRpcId;
  method: string;
  reply: Reply;
  /** Its progress token on the wire, to forget with it. */
  token?: string;
}

function withMeta(params: Record<string, unknown> | undefined, key: string, value: unknown): Record<string, unknown> {
  const meta = (params?._meta ?? {}) as Record<string, unknown>;
  return { ...params, _meta: { ...meta, [key]: value } };
}

export class SharedInstance {
  private instance: StreamInstance | undefined;
  private next = 0;
  private readonly pending = new Map<string, Pending>();
  /** Wire progress token → the caller's token and the wire id of its request. */
  private readonly progress = new Map<string, { token: unknown; wire: string }>();
  /** The `x-mcp-header` annotations of the tools listed so far, to check a call's Mcp-Param headers. */
  private readonly headers = new Map<string, ParamHeaders>();

  constructor(
    private readonly serve: StreamServer,
    private readonly log: (message: string) => void,
  ) {}

  private started(): StreamInstance {
    if (this.instance) return this.instance;
    const instance = new StreamInstance(this.serve, this.log);
    instance.onmessage = (message) => this.fromServer(instance, message);
    // An instance that ended takes its callers' requests with it; the next request starts another.
    void instance.ended.then(() => {
      if (this.instance !== instance) return;
      this.instance = undefined;
      for (const [wire, pending] of this.pending) this.answer(wire, pending, { jsonrpc: '2.0', id: wire, error: { code: -32603, message: 'mcpkey: the gateway stopped' } });
    });
    this.instance = instance;
    return instance;
  }

  /** A request from an HTTP caller; answered on `reply`. */
  request(message: Message & { id: JsonRpcId; method: string }, reply: Reply): void {
    const wire = `h${(this.next += 1)}`;
    const instance = this.started();
    let params = message.params;
    const pending: Pending = { id: message.id, method: message.method, reply };
    const token = (params?._meta as Record<string, unknown> | undefined)?.progressToken;
    if (token !== undefined) {
      // Always replaced: a caller's own token could equal another's wire token.
      pending.token = `p${this.next}`;
      this.progress.set(pending.token, { token, wire });
      params = withMeta(params, 'progressToken', pending.token);
    }
    this.pending.set(wire, pending);
    // Closing the response stream is the 2026-07-28 cancellation (a listen's end included).
    reply.onabort = () => {
      if (!this.pending.has(wire)) return;
      this.forget(wire, pending);
      instance.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: wire } });
    };
    if (message.method === 'subscriptions/listen') reply.stream();
    instance.send({ ...message, id: wire, ...(params ? { params } : {}) });
  }

  private forget(wire: string, pending: Pending): void {
    this.pending.delete(wire);
    if (pending.token) this.progress.delete(pending.token);
  }

  /** The Mcp-Param headers a call of this tool must carry, once a listing has shown them. */
  paramHeaders(tool: unknown): ParamHeaders | undefined {
    return typeof tool === 'string' ? this.headers.get(tool) : undefined;
  }

  private answer(wire: string, pending: Pending, message: Message): void {
    this.forget(wire, pending);
    if (pending.method === 'tools/list') {
      for (const tool of ((message.result as { tools?: Array<{ name?: unknown; inputSchema?: unknown }> } | undefined)?.tools ?? [])) {
        if (typeof tool.name === 'string') this.headers.set(tool.name, paramHeadersOf(tool.inputSchema));
      }
    }
    const restored: Message = { ...message, id: pending.id };
    if (restored.result && typeof restored.result === 'object' && (restored.result as { _meta?: Record<string, unknown> })._meta?.[SUBSCRIPTION] === wire) {
      const result = restored.result as { _meta: Record<string, unknown> };
      restored.result = { ...result, _meta: { ...result._meta, [SUBSCRIPTION]: pending.id } };
    }
    pending.reply.finish(restored, statusOf(restored));
  }

  private fromServer(instance: StreamInstance, message: Message): void {
    if (message.method === undefined) {
      const wire = typeof message.id === 'string' ? message.id : '';
      const pending = this.pending.get(wire);
      if (pending) this.answer(wire, pending, message);
      return;
    }
    if (message.id !== undefined && message.id !== null) {
      // 2026-07-28 servers ask through input_required results, not requests; nobody here could answer one.
      instance.send({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'an HTTP caller cannot answer server requests' } });
      return;
    }
    const params = message.params;
    const token = (params?.progressToken ?? undefined) as string | undefined;
    if (message.method === 'notifications/progress' && token !== undefined) {
      const owner = this.progress.get(String(token));
      const pending = owner && this.pending.get(owner.wire);
      if (owner && pending) pending.reply.event({ ...message, params: { ...params, progressToken: owner.token } });
      return;
    }
    const subscription = (params?._meta as Record<string, unknown> | undefined)?.[SUBSCRIPTION];
    const pending = typeof subscription === 'string' ? this.pending.get(subscription) : undefined;
    if (pending) pending.reply.event({ ...message, params: withMeta(params, SUBSCRIPTION, pending.id) });
    // Anything else has no caller it belongs to (logging is request-scoped and left out of HTTP listens).
  }

  close(): void {
    for (const pending of this.pending.values()) pending.reply.end();
    this.pending.clear();
    this.progress.clear();
    this.instance?.close();
    this.instance = undefined;
  }
}
