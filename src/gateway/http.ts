/**
 * `mcpkey gateway --http`: any MCP server that speaks on a pair of streams (the gateway) served over
 * streamable HTTP on 127.0.0.1, to clients of both eras. 2025-11-25 clients get a session each (and a
 * gateway instance each); 2026-07-28 clients, which have no sessions, share one instance (http-shared.ts).
 * Every request needs the bearer token; Host and Origin must name this machine (http-auth.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, ExitCode } from '../core/errors.js';
import { refusal } from './http-auth.js';
import { acceptsEvents, declaredVersion, legacyProblem, modernProblem, paramHeaderProblem, parseMessage, readBody, Rejection } from './http-checks.js';
import { Sessions } from './http-sessions.js';
import { SharedInstance } from './http-shared.js';
import { refuse, Reply, type JsonRpcId, type Message, type StreamServer } from './http-streams.js';

export type { StreamServer } from './http-streams.js';

/** The default port: fixed, so a client's URL stays the same from one start to the next. 0 picks a free one. */
export const DEFAULT_HTTP_PORT = 7417;
export const MCP_PATH = '/mcp';

export interface HttpGatewayOptions {
  serve: StreamServer;
  token: string;
  port?: number;
  /** Origins allowed besides loopback pages (e.g. a local web client's). */
  allowedOrigins?: readonly string[];
  log: (message: string) => void;
  /** 2025-era sessions open at once (each is a gateway instance). */
  maxSessions?: number;
  /** A session with no request and no stream for this long is closed. */
  sessionIdleMs?: number;
}

export interface HttpGateway {
  port: number;
  /** The MCP endpoint, http://127.0.0.1:PORT/mcp. */
  url: string;
  close(): Promise<void>;
}

const SESSION_HEADER = 'mcp-session-id';

function sessionHeader(request: IncomingMessage): string | undefined {
  const value = request.headers[SESSION_HEADER];
  return typeof value === 'string' ? value : undefined;
}

const isRequest = (message: Message): message is Message & { id: JsonRpcId; method: string } => typeof message.method === 'string' && message.id !== undefined && message.id !== null;

class Front {
  readonly shared: SharedInstance;
  readonly sessions: Sessions;

  constructor(private readonly options: HttpGatewayOptions & { port: number }) {
    this.shared = new SharedInstance(options.serve, options.log);
    this.sessions = new Sessions(options.serve, options.log, { max: options.maxSessions ?? 32, idleMs: options.sessionIdleMs ?? 30 * 60_000 });
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refused = refusal(request, { port: this.options.port, token: this.options.token, allowedOrigins: this.options.allowedOrigins ?? [] });
    if (refused) return refuse(response, refused.status, -32600, refused.message, refused.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== MCP_PATH) return refuse(response, 404, -32600, `Not Found: the MCP endpoint is ${MCP_PATH}`);
    if (request.method === 'POST') return this.post(request, response);
    if (request.method === 'GET') return this.get(request, response);
    if (request.method === 'DELETE') return this.delete(request, response);
    refuse(response, 405, -32600, 'Method Not Allowed', { allow: 'GET, POST, DELETE' });
  }

  private async post(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!/application\/json/i.test(request.headers['content-type'] ?? '')) return refuse(response, 415, -32600, 'Unsupported Media Type: the body must be application/json');
    const body = await readBody(request);
    const message = body instanceof Rejection ? body : parseMessage(body);
    if (message instanceof Rejection) return refuse(response, message.status, message.code, message.message);
    const events = acceptsEvents(request);
    const id = message.id ?? null;

    // 2026-07-28: the message says its version; a session id alongside is ignored, as that revision asks.
    if (declaredVersion(message) !== undefined || (request.headers['mcp-protocol-version'] === '2026-07-28' && sessionHeader(request) === undefined && message.method !== 'initialize')) {
      const problem = modernProblem(request, message) ?? (message.method === 'tools/call' ? paramHeaderProblem(request, this.shared.paramHeaders(message.params?.name), message.params?.arguments) : undefined);
      if (problem) return void response.writeHead(problem.status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: problem.code, message: problem.message, ...(problem.data ? { data: problem.data } : {}) } }));
      if (!isRequest(message)) return void response.writeHead(202).end();
      return this.shared.request(message, new Reply(response, events));
    }

    if (message.method === 'initialize' && sessionHeader(request) === undefined) {
      if (!isRequest(message)) return refuse(response, 400, -32600, 'Invalid Request: initialize must be a request');
      const session = this.sessions.open();
      if (!session) return refuse(response, 503, -32603, 'Service Unavailable: too many open sessions; close one (HTTP DELETE) or try again later', {}, id);
      this.options.log(`session ${session.id.slice(0, 8)} opened`);
      session.request(message, new Reply(response, events, { 'mcp-session-id': session.id }));
      return;
    }

    const sessionId = sessionHeader(request);
    if (sessionId === undefined) return refuse(response, 400, -32000, 'Bad Request: no Mcp-Session-Id (start with initialize, or send 2026-07-28 request metadata)', {}, id);
    const session = this.sessions.get(sessionId);
    if (!session) return refuse(response, 404, -32001, 'Session not found: initialize again', {}, id);
    const version = legacyProblem(request);
    if (version) return refuse(response, version.status, version.code, version.message, {}, id);
    if (message.method === 'initialize') return refuse(response, 400, -32600, 'Invalid Request: this session is already initialized', {}, id);
    if (!isRequest(message)) {
      session.pass(message);
      return void response.writeHead(202).end();
    }
    if (!session.request(message, new Reply(response, events))) return refuse(response, 409, -32600, `Conflict: request id ${JSON.stringify(message.id)} is already waiting for an answer`, {}, id);
  }

  private get(request: IncomingMessage, response: ServerResponse): void {
    const sessionId = sessionHeader(request);
    // 2026-07-28 has no GET stream (subscriptions/listen replaces it).
    if (sessionId === undefined) return refuse(response, 405, -32600, 'Method Not Allowed: GET needs an Mcp-Session-Id', { allow: 'POST' });
    const session = this.sessions.get(sessionId);
    if (!session) return refuse(response, 404, -32001, 'Session not found: initialize again');
    if (!acceptsEvents(request)) return refuse(response, 406, -32600, 'Not Acceptable: GET opens a text/event-stream');
    if (!session.listen(new Reply(response, true))) return refuse(response, 409, -32600, 'Conflict: this session already has a GET stream');
  }

  private delete(request: IncomingMessage, response: ServerResponse): void {
    const sessionId = sessionHeader(request);
    if (sessionId === undefined) return refuse(response, 405, -32600, 'Method Not Allowed: DELETE needs an Mcp-Session-Id', { allow: 'POST' });
    if (!this.sessions.end(sessionId)) return refuse(response, 404, -32001, 'Session not found');
    this.options.log(`session ${sessionId.slice(0, 8)} closed by the client`);
    response.writeHead(200).end();
  }

  close(): void {
    this.sessions.close();
    this.shared.close();
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the HTTP front; it runs until `close()`. */
export async function serveHttp(options: HttpGatewayOptions): Promise<HttpGateway> {
  let front: Front | undefined;
  const server = createServer((request, response) => {
    front!.handle(request, response).catch((error: unknown) => {
      options.log(`an HTTP request failed: ${(error as Error).message}`);
      refuse(response, 500, -32603, 'Internal error');
    });
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? DEFAULT_HTTP_PORT);
  } catch (error) {
    const wanted = options.port ?? DEFAULT_HTTP_PORT;
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`port ${wanted} on 127.0.0.1 is in use`, { code: 'port_in_use', exitCode: ExitCode.serverFailed, hint: 'another gateway may be running; choose another port with --port N (0 picks a free one)' });
    }
    throw new CliError(`cannot listen on 127.0.0.1:${wanted}: ${(error as Error).message}`, { code: 'listen_failed', exitCode: ExitCode.serverFailed, hint: 'choose another port with --port N (0 picks a free one)' });
  }
  front = new Front({ ...options, port });
  return {
    port,
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    close: async () => {
      front!.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
