import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll } from 'vitest';
import { startAuthServer, type AuthServer, type AuthServerOptions } from '../fixtures/auth-server.js';
import { startMcpServer, type McpResourceServer } from '../fixtures/mcp-server.js';
import { ROOT, type Sandbox } from './helpers.js';

/** The headless-Chromium driver that logs in and consents, used as $BROWSER. */
export const BROWSER_DRIVER = join(ROOT, 'test/fixtures/browser-driver.mjs');

export interface StoredGrantView {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: string;
  scope?: string;
  issuer: string;
  clientId: string;
  client: string;
  resource: string;
}

/** The grant as the keychain holds it, read with libsecret's own tool. */
export async function storedGrant(sandbox: Sandbox, server: string): Promise<StoredGrantView | undefined> {
  const raw = await sandbox.keychainValue(`oauth:${server}`);
  return raw === undefined ? undefined : (JSON.parse(raw) as StoredGrantView);
}

/** Calls a tool of the protected MCP server with a bearer token, through the MCP SDK's own client. */
export async function callTool(url: string, token: string, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const client = new Client({ name: 'mcpkey-test', version: '0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  try {
    const result = await client.callTool({ name, arguments: args });
    const content = result.content as Array<{ type: string; text?: string }>;
    return content.map((part) => part.text ?? '').join('');
  } finally {
    await client.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function current<T extends object>(get: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const value = get();
      if (!value) throw new Error(`${what} runs only while the file's tests run`);
      const member = Reflect.get(value, property, value) as unknown;
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(value) : member;
    },
  });
}

/** A real authorization server and a protected MCP server for the whole file. */
export function useOAuthPeers(options: AuthServerOptions = {}): { as: AuthServer; mcp: McpResourceServer } {
  let as: AuthServer | undefined;
  let mcp: McpResourceServer | undefined;
  beforeAll(async () => {
    as = await startAuthServer(options);
    mcp = await startMcpServer({ authServerIssuer: as.issuer });
  });
  afterAll(async () => {
    await mcp?.close();
    await as?.close();
  });
  return { as: current(() => as, 'the authorization server'), mcp: current(() => mcp, 'the MCP server') };
}
