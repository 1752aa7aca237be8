import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { startMcpServer } from '../fixtures/mcp-server.js';
import { BIN, requireSecretService, useSandbox } from './helpers.js';
import { expireGrant } from './grant-helpers.js';
import { useOAuthPeers, BROWSER_DRIVER, storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

// Long-lived: a token expires when the test says so (expireGrant), never because a loaded machine was slow.
const TTL = 3600;

const { as, mcp } = useOAuthPeers({ accessTokenTtl: TTL });
const sandbox = useSandbox();

const browserEnv = () => ({ BROWSER: BROWSER_DRIVER, DRIVER_LOG: `${sandbox.dir}/driver.log` });

async function authorized(name: string, url: string): Promise<void> {
  expect((await sandbox.run(['server', 'add', name, '--url', url])).code).toBe(0);
  const result = await sandbox.run(['oauth', 'authorize', name], { env: browserEnv(), timeoutMs: 180_000 });
  expect(result.code, result.stderr).toBe(0);
}

/** An MCP client that only speaks stdio, talking to the remote server through `mcpkey run`. */
async function bridged(name: string, runArgs: string[] = []): Promise<{ client: Client; stderr: () => string; close: () => Promise<void> }> {
  let stderr = '';
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'run', name, ...runArgs],
    env: { ...(sandbox.baseEnv() as Record<string, string>), ...browserEnv() },
    cwd: sandbox.cwd,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'stdio-only-client', version: '1' });
  try {
    await client.connect(transport);
  } catch (error) {
    await transport.close();
    throw error;
  }
  return { client, stderr: () => stderr, close: () => client.close() };
}

function text(result: Record<string, unknown>): string {
  return (result.content as Array<{ text?: string }>).map((part) => part.text ?? '').join('');
}

describe('mcpkey run as a stdio ↔ streamable HTTP bridge', () => {
  it('lists and calls tools; the token is refreshed mid-session without the client noticing', async () => {
    await authorized('demo', mcp.url);
    const session = await bridged('demo');
    try {
      const { tools } = await session.client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['admin', 'echo', 'whoami']);
      expect(JSON.parse(text(await session.client.callTool({ name: 'whoami', arguments: {} })))).toMatchObject({ sub: 'alice' });

      const refreshes = as.stats().refreshGrants;
      // Expired for mcpkey and at the authorization server alike: the server would refuse the old token.
      const before = await expireGrant(sandbox, 'demo', as);
      expect(text(await session.client.callTool({ name: 'echo', arguments: { text: 'after expiry' } }))).toBe('after expiry');
      expect(as.stats().refreshGrants).toBe(refreshes + 1);
      expect((await storedGrant(sandbox, 'demo'))!.accessToken).not.toBe(before);

      // A token the server rejects (here: replaced behind our back) is refreshed once and the call goes through.
      const current = (await storedGrant(sandbox, 'demo'))!;
      await sandbox.storeKeychainValue('oauth:demo', JSON.stringify({ ...current, accessToken: 'not-a-valid-token' }));
      expect(text(await session.client.callTool({ name: 'echo', arguments: { text: 'after 401' } }))).toBe('after 401');
      expect(session.stderr()).toMatch(/refused the access token; refreshing it/);
    } finally {
      await session.close();
    }
    // The bridge prints nothing but protocol on stdout, and never a token on stderr.
    const grant = (await storedGrant(sandbox, 'demo'))!;
    expect(session.stderr()).not.toContain(grant.accessToken);
  }, 300_000);

  it('with --authorize, a tool that demands more scope triggers step-up authorization, then succeeds', async () => {
    await authorized('demo', mcp.url);
    expect((await storedGrant(sandbox, 'demo'))!.scope).toBe('mcp:read');
    const session = await bridged('demo', ['--authorize']);
    try {
      const result = await session.client.callTool({ name: 'admin', arguments: {} });
      expect(result.isError).not.toBe(true);
      expect(session.stderr()).toMatch(/needs more permission \(mcp:read mcp:admin\); authorizing again/);
      const grant = (await storedGrant(sandbox, 'demo'))!;
      expect(grant.scope!.split(' ').sort()).toEqual(['mcp:admin', 'mcp:read']);
      const stepUp = as.requests().filter((r) => r.query?.response_type === 'code').at(-1)!;
      expect(stepUp.query!.scope!.split(' ').sort()).toEqual(['mcp:admin', 'mcp:read', 'offline_access']);
    } finally {
      await session.close();
    }
  }, 300_000);

  it('a server that keeps answering 403 gives up after two step-ups with a clear error', async () => {
    const stubborn = await startMcpServer({ authServerIssuer: as.issuer });
    try {
      await authorized('stubborn', stubborn.url);
      stubborn.configure({ always403: true });
      const authorizationsBefore = as.stats().authorizationRequests;
      let failure: Error | undefined;
      try {
        const session = await bridged('stubborn', ['--authorize']);
        await session.close();
      } catch (error) {
        failure = error as Error;
      }
      expect(failure?.message).toMatch(/still demands more scope after 2 authorizations/);
      expect(as.stats().authorizationRequests - authorizationsBefore).toBe(2);
    } finally {
      await stubborn.close();
    }
  }, 300_000);

  it('refuses to start without a grant: exit 4 and the authorize command', async () => {
    expect((await sandbox.run(['server', 'add', 'demo', '--url', mcp.url])).code).toBe(0);
    const result = await sandbox.run(['run', 'demo']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('mcpkey oauth authorize demo');
    expect(result.stdout).toBe('');
  });
});

describe('mcpkey tools against a remote OAuth server', () => {
  it('without a grant: exit 4; with --authorize: authorizes, then lists and calls', async () => {
    expect((await sandbox.run(['server', 'add', 'demo', '--url', mcp.url])).code).toBe(0);
    const refused = await sandbox.run(['tools', 'list', 'demo']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/demo needs authorization first — run `mcpkey oauth authorize demo`/);
    const listed = await sandbox.run(['tools', 'list', 'demo', '--authorize', '--json'], { env: browserEnv(), timeoutMs: 180_000 });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).tools.map((tool: { name: string }) => tool.name).sort()).toEqual(['admin', 'echo', 'whoami']);
    const called = await sandbox.run(['tools', 'call', 'demo', 'echo', '--arg', 'text=over https']);
    expect(called).toMatchObject({ code: 0, stdout: 'over https\n' });
    const inspect = JSON.parse((await sandbox.run(['server', 'inspect', 'demo', '--tools', '--json'])).stdout);
    expect(inspect.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(['admin', 'echo', 'whoami']);
  }, 300_000);
});
