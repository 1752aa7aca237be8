import * as http from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { closeServer, createAuthServer, listenLoopback, type AuthServerApp, type AuthServerOptions } from '../fixtures/auth-server.js';
import { startMcpServer, type McpResourceServer } from '../fixtures/mcp-server.js';

/**
 * Runs before the authorization server sees a token request (the real oidc-provider of the fixture):
 * to hold it back (a slow server), or to act at the exact moment a refresh starts (stall the keychain,
 * stop the client). `res` is the answer that follows, for acting once it has been sent.
 */
export type TokenGate = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface GatedAuthServer extends AuthServerApp {
  /** Set after the authorization: the authorization-code exchange itself is not gated. */
  gate: TokenGate | undefined;
  close(): Promise<void>;
}

export async function startGatedAuthServer(options: AuthServerOptions = {}): Promise<GatedAuthServer> {
  const server = http.createServer();
  server.keepAliveTimeout = 1000;
  const port = await listenLoopback(server);
  const app = await createAuthServer(`http://127.0.0.1:${port}`, options);
  const tokenPath = new URL(app.endpoints.token).pathname;
  const gated: GatedAuthServer = { ...app, gate: undefined, close: () => closeServer(server) };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const gate = gated.gate;
    if (!gate || req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== tokenPath) return app.handle(req, res);
    void Promise.resolve(gate(req, res)).then(() => app.handle(req, res));
  });
  return gated;
}

/** A gated authorization server and a protected MCP server for the whole file. */
export function useGatedPeers(options: AuthServerOptions = {}): { as: () => GatedAuthServer; mcp: () => McpResourceServer } {
  let as: GatedAuthServer | undefined;
  let mcp: McpResourceServer | undefined;
  beforeAll(async () => {
    as = await startGatedAuthServer(options);
    mcp = await startMcpServer({ authServerIssuer: as.issuer });
  });
  afterAll(async () => {
    await mcp?.close();
    await as?.close();
  });
  return { as: () => as!, mcp: () => mcp! };
}
