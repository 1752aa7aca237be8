import type { Readable, Writable } from 'node:stream';
import { MCP_MESSAGE_LIMIT } from '../limits.js';

export type JsonRpcId = string | number;
export type Message = { jsonrpc: '2.0'; id?: JsonRpcId | null; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { code: number; message: string; data?: unknown } };

/**
 * The MCP client on our stdin/stdout: newline-delimited JSON-RPC, as the stdio transport of every
 * revision defines it. Requests we send it are matched to its responses by our own ids.
 */
export class LocalPeer {
  private buffer = '';
  private skipping = false;
  private nextId = 0;
  private readonly pending = new Map<JsonRpcId, (message: Message) => void>();
  onmessage: (message: Message) => void = () => undefined;
  onclose: () => void = () => undefined;

  constructor(
    private readonly stdin: Readable,
    private readonly stdout: Writable,
    private readonly log: (message: string) => void,
  ) {}

  start(): void {
    this.stdin.setEncoding('utf8');
    this.stdin.on('data', (chunk: string) => this.read(chunk));
    this.stdin.once('end', () => this.onclose());
    this.stdin.once('close', () => this.onclose());
  }

  private read(chunk: string): void {
    // A client line over the message limit is dropped whole: reading on would only grow memory.
    if (this.skipping) {
      const newline = chunk.indexOf('\n');
      if (newline < 0) return;
      this.skipping = false;
      chunk = chunk.slice(newline + 1);
    }
    this.buffer += chunk;
    if (this.buffer.length > MCP_MESSAGE_LIMIT && !this.buffer.includes('\n')) {
      this.buffer = '';
      this.skipping = true;
      this.send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: `mcpkey: a message on stdin is over ${MCP_MESSAGE_LIMIT / 1024 / 1024} MiB` } });
      return;
    }
    for (let newline = this.buffer.indexOf('\n'); newline >= 0; newline = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      if (line.trim() === '') continue;
      let message: Message;
      try {
        message = JSON.parse(line) as Message;
      } catch {
        this.send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'mcpkey: a line on stdin is not JSON' } });
        continue;
      }
      if (message.method === undefined && message.id !== undefined && message.id !== null && this.pending.has(message.id)) {
        const resolve = this.pending.get(message.id)!;
        this.pending.delete(message.id);
        resolve(message);
      } else this.onmessage(message);
    }
  }

  send(message: Message): void {
    try {
      this.stdout.write(`${JSON.stringify(message)}\n`);
    } catch (error) {
      this.log(`cannot write to the client: ${(error as Error).message}`);
    }
  }

  /** A request to the local client (an elicitation relayed from the server); resolves with its result. */
  request(method: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const id = `mcpkey-${(this.nextId += 1)}`;
    return new Promise((resolve, reject) => {
      const abort = () => {
        this.pending.delete(id);
        this.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id } });
        reject(new Error('cancelled'));
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.pending.set(id, (message) => {
        signal?.removeEventListener('abort', abort);
        if (message.error) reject(Object.assign(new Error(message.error.message), { code: message.error.code, data: message.error.data }));
        else resolve((message.result ?? {}) as Record<string, unknown>);
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Pending requests to the client fail when it goes away. */
  close(): void {
    for (const [id, resolve] of this.pending) resolve({ jsonrpc: '2.0', id, error: { code: -32000, message: 'the client closed the connection' } });
    this.pending.clear();
  }
}
