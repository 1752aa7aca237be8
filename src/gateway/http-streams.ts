/**
 * The two ends the HTTP front talks to: one MCP server instance on in-memory streams (newline-delimited
 * JSON-RPC, as on stdio), and one HTTP response, answered as JSON or as a server-sent event stream.
 */
import type { ServerResponse } from 'node:http';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { MCP_MESSAGE_LIMIT } from '../core/limits.js';
import { LineBuffer } from '../core/protocol/line-buffer.js';
import type { JsonRpcId, Message } from '../core/protocol/local-peer.js';

export type { JsonRpcId, Message };

/** Starts one MCP server on a pair of streams (the gateway's `serveGateway`); resolves when it ends. */
export type StreamServer = (streams: { stdin: Readable; stdout: Writable }) => Promise<number>;

/** One running instance of a stream server, fed and read in memory. */
export class StreamInstance {
  private readonly input = new PassThrough();
  private readonly output = new PassThrough();
  private readonly lines = new LineBuffer(MCP_MESSAGE_LIMIT, (line) => JSON.parse(line));
  readonly ended: Promise<void>;
  onmessage: (message: Message) => void = () => undefined;

  constructor(serve: StreamServer, log: (message: string) => void) {
    this.output.on('data', (chunk: Buffer) => {
      try {
        this.lines.append(chunk);
        for (let message = this.lines.readMessage(); message !== null; message = this.lines.readMessage()) this.onmessage(message as Message);
      } catch (error) {
        log(`the gateway wrote a message over the limit: ${(error as Error).message}`);
      }
    });
    this.ended = serve({ stdin: this.input, stdout: this.output }).then(
      () => undefined,
      (error: unknown) => log(`a gateway instance failed: ${(error as Error).message}`),
    );
  }

  send(message: Message): void {
    if (!this.input.writableEnded) this.input.write(`${JSON.stringify(message)}\n`);
  }

  close(): void {
    this.input.end();
  }
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };
/** A comment line now and then keeps a quiet stream from being dropped by idle timeouts. */
const KEEPALIVE_MS = 25_000;

/**
 * One HTTP response waiting for MCP messages. It stays undecided until the first message: a final
 * response alone goes back as JSON; anything before it (progress, a server request) turns it into an
 * event stream, if the client accepts one.
 */
export class Reply {
  private streaming = false;
  private keepalive: NodeJS.Timeout | undefined;
  /** The client went away before the answer (on 2026-07-28, that cancels the request). */
  onabort: () => void = () => undefined;

  constructor(
    private readonly response: ServerResponse,
    readonly acceptsEvents: boolean,
    private readonly headers: Record<string, string> = {},
  ) {
    response.on('close', () => {
      if (this.keepalive) clearInterval(this.keepalive);
      if (!response.writableFinished) this.onabort();
    });
  }

  get open(): boolean {
    return !this.response.writableEnded && !this.response.destroyed;
  }

  /** Start the event stream now (a listen, a GET stream). */
  stream(): void {
    if (this.streaming || !this.open) return;
    this.streaming = true;
    this.response.writeHead(200, { ...SSE_HEADERS, ...this.headers });
    this.response.flushHeaders();
    this.keepalive = setInterval(() => this.response.write(':\n\n'), KEEPALIVE_MS).unref();
  }

  /** A message before the final one; dropped when the client takes JSON only. */
  event(message: Message): boolean {
    if (!this.open || !this.acceptsEvents) return false;
    this.stream();
    this.response.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    return true;
  }

  /** The final message: ends the stream, or is the JSON body (with `status` when it is an error). */
  finish(message: Message, status = 200): void {
    if (!this.open) return;
    if (this.streaming) {
      this.response.end(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
      return;
    }
    const body = JSON.stringify(message);
    this.response.writeHead(status, { 'content-type': 'application/json', ...this.headers });
    this.response.end(body);
  }

  /** Ends an event stream with nothing more to say. */
  end(): void {
    if (this.open) this.response.end();
  }
}

/** A plain HTTP answer with a JSON-RPC error that has no id (or the request's). */
export function refuse(response: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}, id: JsonRpcId | null = null): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }));
}
