import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
