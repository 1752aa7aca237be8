/**
 * 2025-11-25 callers over HTTP (streamable HTTP with sessions): `initialize` starts a gateway instance
 * of its own, named by the `Mcp-Session-Id` it is answered with; later POSTs carry that id, a GET opens
 * the stream for what the server says unasked (list changes, its own requests), DELETE ends it.
 * Within a session the ids are the client's own, as on stdio.
 */
import { randomUUID } from 'node:crypto';
import { Reply, StreamInstance, type JsonRpcId, type Message, type StreamServer } from './http-streams.js';

export class Session {
  readonly instance: StreamInstance;
  private readonly pending = new Map<JsonRpcId, Reply>();
  /** Progress tokens of pending requests → their ids, so progress goes on the request's own stream. */
  private readonly progress = new Map<unknown, JsonRpcId>();
  private listener: Reply | undefined;
  lastUsed = Date.now();

  constructor(
    readonly id: string,
    serve: StreamServer,
    log: (message: string) => void,
  ) {
    this.instance = new StreamInstance(serve, log);
    this.instance.onmessage = (message) => this.fromServer(message);
  }

  get busy(): boolean {
    return this.pending.size > 0 || this.listener?.open === true;
  }

  /** A request: its answer goes on `reply`. False when the id is already waiting for one. */
  request(message: Message & { id: JsonRpcId }, reply: Reply): boolean {
    this.lastUsed = Date.now();
    if (this.pending.has(message.id)) return false;
    this.pending.set(message.id, reply);
    const token = (message.params?._meta as Record<string, unknown> | undefined)?.progressToken;
    if (token !== undefined) this.progress.set(token, message.id);
    // A client that goes away before the answer has cancelled, as it would have on stdio.
    reply.onabort = () => {
      if (this.pending.get(message.id) !== reply) return;
      this.forget(message.id);
      this.instance.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: message.id, reason: 'the HTTP request was closed' } });
    };
    this.instance.send(message);
    return true;
  }

  /** A notification, or a response to the server's own request: passed on. */
  pass(message: Message): void {
    this.lastUsed = Date.now();
    this.instance.send(message);
  }

  /** The GET stream; one at a time. */
  listen(reply: Reply): boolean {
    if (this.listener?.open) return false;
    this.listener = reply;
    reply.stream();
    return true;
  }

  private forget(id: JsonRpcId): void {
    this.pending.delete(id);
    for (const [token, owner] of this.progress) if (owner === id) this.progress.delete(token);
  }

  private fromServer(message: Message): void {
    if (message.method === undefined) {
      const reply = message.id !== undefined && message.id !== null ? this.pending.get(message.id) : undefined;
      if (reply) {
        this.forget(message.id!);
        reply.finish(message);
      }
      return;
    }
    if (message.method === 'notifications/progress') {
      const owner = this.progress.get(message.params?.progressToken);
      if (owner !== undefined && this.pending.get(owner)?.event(message)) return;
    }
    if (this.listener?.event(message)) return;
    // No GET stream: a server request (an elicitation during a tool call) may go on a request's stream instead.
    const isRequest = message.id !== undefined && message.id !== null;
    if (isRequest) {
      for (const reply of this.pending.values()) if (reply.event(message)) return;
      this.instance.send({ jsonrpc: '2.0', id: message.id!, error: { code: -32603, message: 'the HTTP client has no open stream to receive this request' } });
    }
  }

  close(): void {
    for (const [id, reply] of this.pending) reply.finish({ jsonrpc: '2.0', id, error: { code: -32603, message: 'mcpkey: the session ended' } });
    this.pending.clear();
    this.progress.clear();
    this.listener?.end();
    this.instance.close();
  }
}

export interface SessionLimits {
  max: number;
  idleMs: number;
}

/** Every open session; idle ones (no request, no stream) are closed after `idleMs`. */
export class Sessions {
  private readonly all = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly serve: StreamServer,
    private readonly log: (message: string) => void,
    private readonly limits: SessionLimits,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, limits.idleMs)).unref();
  }

  get size(): number {
    return this.all.size;
  }

  get(id: string | undefined): Session | undefined {
    return id === undefined ? undefined : this.all.get(id);
  }

  /** A new session, or nothing when there are already as many as allowed. */
  open(): Session | undefined {
    if (this.all.size >= this.limits.max) return undefined;
    const session = new Session(randomUUID(), this.serve, this.log);
    this.all.set(session.id, session);
    void session.instance.ended.then(() => this.end(session.id));
    return session;
  }

  end(id: string): boolean {
    const session = this.all.get(id);
    if (!session) return false;
    this.all.delete(id);
    session.close();
    return true;
  }

  private sweep(): void {
    const now = Date.now();
    for (const session of [...this.all.values()]) if (!session.busy && now - session.lastUsed > this.limits.idleMs) this.end(session.id);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.all.keys()]) this.end(id);
  }
}
