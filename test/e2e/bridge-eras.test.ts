/**
 * `mcpkey run NAME` between a real MCP client of each era on stdio and a real server of each era:
 * the SDK v1 client and the SDK v2 client (negotiating on stdio) against the stateless 2026-07-28
 * peer (SDK v2) and the OAuth-protected 2025-11-25 peer (SDK v1) — the four combinations — with the
 * 2026-07-28 wire checked on the peer's request log.
 */
import type { Client as ModernClient } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModernMcpServer, type ModernMcpServer, type ModernRequestLogEntry } from '../fixtures/mcp-server-2026.js';
import { requireSecretService, Sandbox } from './helpers.js';
import { LOCAL_ERAS, eventually, localSession, textOf, type LocalSession } from './local-clients.js';
import { BROWSER_DRIVER, useOAuthPeers } from './oauth-helpers.js';

beforeAll(requireSecretService);

const MODERN = '2026-07-28';
const META = ['io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientCapabilities', 'io.modelcontextprotocol/clientInfo'];

// The 2025-11-25 peer is always an OAuth resource server: one grant, made once, serves the whole file.
const { mcp } = useOAuthPeers();
let modern: ModernMcpServer;
let sandbox: Sandbox;

beforeAll(async () => {
  modern = await startModernMcpServer({});
  sandbox = await Sandbox.create();
  expect((await sandbox.run(['server', 'add', 'modern', '--url', modern.url, '--no-auth'])).code).toBe(0);
  expect((await sandbox.run(['server', 'add', 'legacy', '--url', mcp.url])).code).toBe(0);
  const authorized = await sandbox.run(['oauth', 'authorize', 'legacy'], { env: { BROWSER: BROWSER_DRIVER }, timeoutMs: 180_000 });
  expect(authorized.code, authorized.stderr).toBe(0);
}, 300_000);
afterAll(async () => {
  await modern?.close();
  await sandbox?.cleanup();
});

async function withSession<T>(session: Promise<LocalSession>, body: (session: LocalSession) => Promise<T>): Promise<T> {
  const opened = await session;
  try {
    return await body(opened);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- bridge stderr ---\n${opened.stderr()}`, { cause: error });
  } finally {
    await opened.close();
  }
}

const metaOf = (entry: ModernRequestLogEntry) => ((entry.body as { params?: { _meta?: Record<string, unknown> } }).params?._meta ?? {}) as Record<string, unknown>;
const isRequest = (entry: ModernRequestLogEntry) => (entry.body as { id?: unknown }).id !== undefined;

/** Every POST the 2026-07-28 peer received speaks the stateless wire; no initialize reached it. */
function expectModernWire(entries: ModernRequestLogEntry[]): void {
  const posts = entries.filter((entry) => entry.method === 'POST' && entry.path === '/mcp');
  expect(posts.length).toBeGreaterThan(0);
  expect(posts.flatMap((entry) => entry.rpcMethods)).not.toContain('initialize');
  for (const post of posts) {
    const method = post.rpcMethods[0]!;
    expect(post.headers['mcp-protocol-version'], method).toBe(MODERN);
    expect(post.headers['mcp-method'], method).toBe(method);
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    expect(post.headers.accept).toMatch(/application\/json/);
    expect(post.headers.accept).toMatch(/text\/event-stream/);
    if (method === 'tools/call') expect(post.headers['mcp-name']).toBe(post.toolNames[0]);
    if (!isRequest(post)) continue;
    const meta = metaOf(post);
    for (const key of META) expect(meta, `${method} _meta`).toHaveProperty(key);
    expect(meta['io.modelcontextprotocol/protocolVersion']).toBe(MODERN);
    expect(typeof meta['io.modelcontextprotocol/clientCapabilities']).toBe('object');
    // mcpkey is the client on the wire, whoever it relays for.
    expect(meta['io.modelcontextprotocol/clientInfo']).toMatchObject({ name: 'mcpkey' });
  }
}

/** The lifecycle was answered in the client's era: `initialize` for a 2025 client, `server/discover` for a 2026 one. */
function expectLifecycle(session: LocalSession, serverName: string): void {
  if (session.era === '2025-11-25') {
    const initialized = session.received.find((message) => message.id !== undefined && message.result?.protocolVersion);
    expect(initialized!.result).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: { name: serverName }, capabilities: { tools: {} } });
    expect(initialized!.result).not.toHaveProperty('resultType');
    return;
  }
  // The SDK v2 client probed with server/discover (on a sibling `mcpkey run`) and adopted the answer.
  const client = session.client as ModernClient;
  expect(client.getProtocolEra()).toBe('modern');
  expect(client.getDiscoverResult()).toMatchObject({ supportedVersions: [MODERN], capabilities: { tools: {} } });
  expect(client.getServerVersion()).toMatchObject({ name: serverName });
  // Every result it got says what kind it is.
  for (const message of session.received.filter((m) => m.id !== undefined && m.result)) expect(message.result.resultType).toBeDefined();
}

/** The server's own JSON-RPC errors come back unchanged (code, message), not reworded by mcpkey. */
async function expectServerError(session: LocalSession): Promise<void> {
  // Neither peer has prompts: its SDK answers -32601 itself.
  await expect(session.request('prompts/list')).rejects.toMatchObject({ code: -32601, message: expect.not.stringContaining('mcpkey') });
}

describe.each(LOCAL_ERAS)('a %s client through mcpkey run', (era) => {
  it('↔ a 2026-07-28 server: lists and calls tools on the stateless wire, headers and _meta included', async () => {
    modern.clearRequests();
    await withSession(localSession(sandbox, era, 'modern'), async (session) => {
      const names = await session.toolNames();
      expect(names).toEqual(expect.arrayContaining(['whoami', 'echo', 'headered', 'confirm', 'big']));
      // The tool whose x-mcp-header annotation is invalid is left out, and the bridge says so on stderr.
      expect(names).not.toContain('badheader');
      await eventually(() => /left out the tool badheader/.test(session.stderr()), 'the note on stderr');
      expect(textOf(await session.call('echo', { text: 'über die Brücke' }))).toBe('über die Brücke');
      const headered = JSON.parse(textOf(await session.call('headered', { region: 'eu west', count: 3, note: 'n' })));
      expect(headered.args).toEqual({ region: 'eu west', count: 3, note: 'n' });
      expect(headered.headers).toMatchObject({ 'mcp-name': 'headered', 'mcp-param-region': 'eu west', 'mcp-param-count': '3', 'mcp-method': 'tools/call' });
      // Calling it anyway: refused by mcpkey as invalid params, without asking the server.
      await expect(session.call('badheader')).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/mcpkey: the tool badheader is left out: x-mcp-header/) });

      await expectServerError(session);
      // What the local client was told of the lifecycle: in its own era.
      expectLifecycle(session, 'mcpkey-fixture-2026');
    });
    const log = modern.requests();
    expectModernWire(log);
    const [echo] = modern.rpcRequests('tools/call').filter((entry) => entry.toolNames[0] === 'echo');
    expect(echo!.headers['mcp-name']).toBe('echo');
    const [headered] = modern.rpcRequests('tools/call').filter((entry) => entry.toolNames[0] === 'headered');
    expect(headered!.headers).toMatchObject({ 'mcp-param-region': 'eu west', 'mcp-param-count': '3' });
    expect(Object.keys(headered!.headers).filter((name) => name.startsWith('mcp-param-')).sort()).toEqual(['mcp-param-count', 'mcp-param-region']);
    // The excluded tool never reached the server.
    expect(modern.rpcRequests('tools/call').flatMap((entry) => entry.toolNames)).not.toContain('badheader');
  }, 300_000);

  it('↔ a 2025-11-25 server: initialize upstream, the bearer token added, the lifecycle answered in the client era', async () => {
    const before = mcp.requests().length;
    await withSession(localSession(sandbox, era, 'legacy'), async (session) => {
      await expectServerError(session);
      expect((await session.toolNames()).sort()).toEqual(['admin', 'echo', 'whoami']);
      expect(JSON.parse(textOf(await session.call('whoami')))).toMatchObject({ sub: 'alice', scope: expect.stringContaining('mcp:read') });
      expect(textOf(await session.call('echo', { text: 'back to 2025' }))).toBe('back to 2025');
      expectLifecycle(session, 'mcpkey-fixture');
    });
    const seen = mcp.requests().slice(before).filter((entry) => entry.path === '/mcp' && entry.method === 'POST');
    const methods = seen.flatMap((entry) => entry.rpcMethods ?? []);
    expect(methods).toContain('initialize');
    expect(methods).toEqual(expect.arrayContaining(['tools/list', 'tools/call']));
    for (const entry of seen.filter((e) => e.rpcMethods?.includes('tools/call'))) {
      expect(entry.authorization).toMatch(/^Bearer /);
      expect(entry.status).toBe(200);
    }
  }, 300_000);
});

describe('change notifications', () => {
  it('2025-11-25 client ↔ 2026-07-28 server: the bridge listens upstream and relays tools/list_changed unasked', async () => {
    modern.clearRequests();
    await withSession(localSession(sandbox, '2025-11-25', 'modern'), async (session) => {
      expect(await session.toolNames()).not.toContain('late_tool');
      const [listen] = modern.rpcRequests('subscriptions/listen');
      expect((listen!.body as { params: { notifications: Record<string, unknown> } }).params.notifications).toMatchObject({ toolsListChanged: true });
      expect(listen!.headers['mcp-method']).toBe('subscriptions/listen');
      modern.addTool('late_tool');
      try {
        await eventually(() => session.listChanged() > 0, 'notifications/tools/list_changed at the client');
        expect(await session.toolNames()).toContain('late_tool');
        const notification = session.received.find((message) => message.method === 'notifications/tools/list_changed');
        // No 2026-07-28 subscription id leaks to a client that never subscribed.
        expect(JSON.stringify(notification)).not.toContain('subscriptionId');
      } finally {
        modern.removeTool('late_tool');
      }
    });
  }, 300_000);

  it('2026-07-28 client ↔ 2026-07-28 server: listen through the bridge is acknowledged and carries the notification', async () => {
    await withSession(localSession(sandbox, '2026-07-28', 'modern'), async (session) => {
      const client = session.client as ModernClient;
      const subscription = await client.listen({ toolsListChanged: true }, { timeout: 60_000 });
      expect(subscription.honoredFilter).toMatchObject({ toolsListChanged: true });
      modern.addTool('later_tool');
      try {
        await eventually(() => session.listChanged() > 0, 'notifications/tools/list_changed at the client');
        const ack = session.received.find((message) => message.method === 'notifications/subscriptions/acknowledged')!;
        const subscriptionId = ack.params._meta['io.modelcontextprotocol/subscriptionId'];
        expect(subscriptionId).toBeDefined();
        const notification = session.received.find((message) => message.method === 'notifications/tools/list_changed')!;
        expect(notification.params._meta['io.modelcontextprotocol/subscriptionId']).toBe(subscriptionId);
        expect(await session.toolNames()).toContain('later_tool');
      } finally {
        modern.removeTool('later_tool');
      }
      await subscription.close();
      expect(await subscription.closed).toBe('local');
    });
  }, 300_000);

  it('2026-07-28 client ↔ 2025-11-25 server: listen is acknowledged for what the server offers', async () => {
    await withSession(localSession(sandbox, '2026-07-28', 'legacy'), async (session) => {
      const client = session.client as ModernClient;
      const subscription = await client.listen({ toolsListChanged: true, promptsListChanged: true }, { timeout: 60_000 });
      // The SDK v1 peer declares tools.listChanged and has no prompts: only that part is honoured.
      expect(subscription.honoredFilter).toEqual({ toolsListChanged: true });
      await subscription.close();
    });
  }, 300_000);
});
