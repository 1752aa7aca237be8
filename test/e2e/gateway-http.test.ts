/**
 * The gateway over streamable HTTP (src/gateway/http.ts): real SDK clients of both eras (v1: 2025-11-25
 * sessions; v2: 2026-07-28, stateless) list and call tools through it; requests without the bearer, with
 * a wrong one, from a foreign Origin or through a rebound Host are refused; concurrent callers reusing
 * the same JSON-RPC ids each get their own answers.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyHttp } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttp } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, type HttpGateway } from '../../src/gateway/http.js';
import { standIn, type StandIn } from './gateway-http-peer.js';
import { eventually, textOf } from './local-clients.js';
import { addFixtureServer, processesWith } from './gateway-peers.js';
import { BIN, filesUnder, requireSecretService, Sandbox } from './helpers.js';

const TOKEN = 'mcpk_test-token-0123456789abcdef';
const MODERN = '2026-07-28';
const META = { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} };

let peer: StandIn;
let gateway: HttpGateway;
const logged: string[] = [];

beforeAll(async () => {
  peer = standIn();
  gateway = await serveHttp({ serve: peer.serve, token: TOKEN, port: 0, log: (line) => logged.push(line) });
});
afterAll(async () => {
  peer?.release();
  await gateway?.close();
});

const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

function modernHeaders(method: string, name?: string): Record<string, string> {
  return { ...auth(), 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': method, ...(name ? { 'mcp-name': name } : {}) };
}

/** One 2026-07-28 request by hand, its body parsed (JSON, or the last event of a stream). */
async function modernCall(id: unknown, method: string, params: Record<string, unknown>, headers = modernHeaders(method, params.name as string | undefined)): Promise<{ status: number; body: any; raw: string }> {
  const response = await fetch(gateway.url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: { ...META, ...(params._meta as object) } } }) });
  const raw = await response.text();
  const data = response.headers.get('content-type')?.includes('text/event-stream') ? raw.split('\n').filter((line) => line.startsWith('data: ')).pop()?.slice(6) : raw;
  return { status: response.status, body: data ? JSON.parse(data) : undefined, raw };
}

async function legacyClient(): Promise<{ client: LegacyClient; transport: LegacyHttp }> {
  const transport = new LegacyHttp(new URL(gateway.url), { requestInit: { headers: auth() } });
  const client = new LegacyClient({ name: 'v1-client', version: '1.0.0' });
  await client.connect(transport, { timeout: 60_000 });
  return { client, transport };
}

async function modernClient(listChanged?: () => void): Promise<ModernClient> {
  const transport = new ModernHttp(new URL(gateway.url), { requestInit: { headers: auth() } });
  const client = new ModernClient(
    { name: 'v2-client', version: '1.0.0' },
    { versionNegotiation: { mode: 'auto' }, ...(listChanged ? { listChanged: { tools: { onChanged: () => listChanged() } } } : {}) },
  );
  await client.connect(transport, { timeout: 60_000 });
  return client;
}

describe('real SDK clients over HTTP', () => {
  it('a 2025-11-25 client (SDK v1) gets a session and its own instance: lists and calls tools, then ends it', async () => {
    const before = peer.connections();
    const { client, transport } = await legacyClient();
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'slow']));
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello v1' } }))).toBe('hello v1');
    expect(peer.connections()).toBe(before + 1);
    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    await client.close();
    // The session is gone: its id is refused.
    const after = await fetch(gateway.url, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(after.status).toBe(404);
  });

  it('a 2026-07-28 client (SDK v2) is served statelessly: no session id, lists and calls tools', async () => {
    const client = await modernClient();
    expect(client.getProtocolEra()).toBe('modern');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'slow']));
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello v2' } }))).toBe('hello v2');
    await client.close();
  });

  it('a 2026-07-28 listen stream carries list_changed to the client that asked, under its own subscription id', async () => {
    let changes = 0;
    const client = await modernClient(() => (changes += 1));
    await client.listTools();
    // The client opens its listen while connecting; its handler refetches the list (debounced) before it is called.
    peer.addTool('added_for_v2');
    await eventually(() => changes > 0, 'tools/list_changed on the listen stream');
    await client.close();
  });

  it('a 2025-11-25 client gets list_changed on its GET stream', async () => {
    const { client, transport } = await legacyClient();
    let changes = 0;
    client.setNotificationHandler((await import('@modelcontextprotocol/sdk/types.js')).ToolListChangedNotificationSchema, () => void (changes += 1));
    await client.listTools();
    // The GET stream opens right after initialization; a change before it is open would have nowhere to go.
    await eventually(async () => {
      peer.addTool(`added_for_v1_${Date.now()}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return changes > 0;
    }, 'tools/list_changed on the GET stream');
    await transport.terminateSession();
    await client.close();
  });
});

describe('concurrent callers', () => {
  it('2026-07-28 callers that all use id 1 each get their own answer', async () => {
    const texts = Array.from({ length: 20 }, (_, index) => `caller-${index}`);
    const answers = await Promise.all(texts.map((text) => modernCall(1, 'tools/call', { name: 'echo', arguments: { text } })));
    for (const [index, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(answer.body.id).toBe(1);
      expect(textOf(answer.body.result)).toBe(texts[index]);
    }
  });

  it('a slow call does not hold up another caller, and its progress reaches only its own caller (same id, same token)', async () => {
    const slowA = modernCall(7, 'tools/call', { name: 'slow', arguments: { tag: 'a' }, _meta: { progressToken: 't' } });
    const slowB = modernCall(7, 'tools/call', { name: 'slow', arguments: { tag: 'b' }, _meta: { progressToken: 't' } });
    const fast = await modernCall(7, 'tools/call', { name: 'echo', arguments: { text: 'not blocked' } });
    expect(textOf(fast.body.result)).toBe('not blocked');
    // Both are waiting once each has reported its progress; only then are they released.
    await eventually(() => peer.waiting() === 2, 'both slow calls to wait');
    peer.release();
    for (const [tag, answer] of [['a', await slowA], ['b', await slowB]] as const) {
      expect(answer.body.id).toBe(7);
      expect(textOf(answer.body.result)).toBe(`released ${tag}`);
      const progress = answer.raw.split('\n').filter((line) => line.includes('notifications/progress'));
      expect(progress).toHaveLength(1);
      expect(JSON.parse(progress[0]!.slice(6)).params.progressToken).toBe('t');
    }
  });

  it('SDK clients of both eras side by side, many calls each', async () => {
    const modern = await modernClient();
    const { client: legacy, transport } = await legacyClient();
    const calls = Array.from({ length: 10 }, (_, index) => [
      modern.callTool({ name: 'echo', arguments: { text: `m${index}` } }).then((result) => expect(textOf(result)).toBe(`m${index}`)),
      legacy.callTool({ name: 'echo', arguments: { text: `l${index}` } }).then((result) => expect(textOf(result)).toBe(`l${index}`)),
    ]).flat();
    await Promise.all(calls);
    await transport.terminateSession();
    await Promise.all([modern.close(), legacy.close()]);
  });
});

describe('who may call', () => {
  const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
  const post = (headers: Record<string, string>) => fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: initialize });

  it('no bearer, or a wrong one: 401 with a Bearer challenge, and no instance is started', async () => {
    const before = peer.connections();
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(auth('mcpk_wrong'))).status).toBe(401);
    expect((await post(auth(`${TOKEN}x`))).status).toBe(401);
    expect((await post({ authorization: TOKEN })).status).toBe(401);
    expect(peer.connections()).toBe(before);
  });

  it('a foreign Origin: 403, even with the bearer; a loopback page is let through', async () => {
    const foreign = await post({ ...auth(), origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as any).error.message).toMatch(/Origin/);
    expect((await post({ ...auth(), origin: 'null' })).status).toBe(403);
    const local = await post({ ...auth(), origin: 'http://localhost:5173' });
    expect(local.status).toBe(200);
    expect(local.headers.get('mcp-session-id')).toBeTruthy();
  });

  it('a Host that is not this gateway (DNS rebinding): 403', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(gateway.url, { method: 'POST', headers: { ...auth(), host: `attacker.example:${gateway.port}`, 'content-type': 'application/json' } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', reject);
      request.end(initialize);
    });
    expect(status).toBe(403);
  });

  it('a body over the message limit is refused before it is read: 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(gateway.url, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json', 'content-length': String(65 * 1024 * 1024) } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', () => undefined);
      request.write('{');
      setTimeout(() => request.destroy(), 5_000).unref();
      void reject;
    });
    expect(status).toBe(413);
  });
});

describe('2026-07-28 header rules', () => {
  it('Mcp-Name that does not match the body: 400 HeaderMismatch; an unknown version: 400 with the supported ones', async () => {
    const mismatch = await modernCall(1, 'tools/call', { name: 'echo', arguments: { text: 'x' } }, modernHeaders('tools/call', 'slow'));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.code).toBe(-32020);
    const missing = await modernCall(1, 'tools/list', {}, { ...modernHeaders('tools/list'), 'mcp-method': 'tools/call' });
    expect(missing.body.error.code).toBe(-32020);
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { ...modernHeaders('tools/list'), 'mcp-protocol-version': '2099-01-01' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error.code).toBe(-32022);
    expect(body.error.data.supported).toContain(MODERN);
  });

  it('x-mcp-header arguments: the SDK v2 client mirrors them and is served; a call without the Mcp-Param header, or with another value, is 400', async () => {
    const client = await modernClient();
    await client.listTools();
    expect(textOf(await client.callTool({ name: 'headered', arguments: { region: 'eu-west 1 ✓' } }))).toBe('eu-west 1 ✓');
    await client.close();
    const missing = await modernCall(4, 'tools/call', { name: 'headered', arguments: { region: 'eu' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe(-32020);
    expect(missing.body.error.message).toMatch(/Mcp-Param-region is missing/);
    const other = await modernCall(5, 'tools/call', { name: 'headered', arguments: { region: 'eu' } }, { ...modernHeaders('tools/call', 'headered'), 'mcp-param-region': 'us' });
    expect(other.body.error.code).toBe(-32020);
    const good = await modernCall(6, 'tools/call', { name: 'headered', arguments: { region: 'eu' } }, { ...modernHeaders('tools/call', 'headered'), 'mcp-param-region': '=?base64?ZXU=?=' });
    expect(textOf(good.body.result)).toBe('eu');
  });

  it('an unknown method: 404 with -32601; GET without a session: 405', async () => {
    const unknown = await modernCall(2, 'no/such', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe(-32601);
    expect((await fetch(gateway.url, { headers: { ...auth(), accept: 'text/event-stream' } })).status).toBe(405);
  });

  it('never logs the token', () => {
    expect(logged.join('\n')).not.toContain(TOKEN);
  });
});

describe('mcpkey gateway --http', () => {
  it('serves the real gateway to SDK clients of both eras with the token from the keychain; refuses the rest; no token or secret in the log', async () => {
    requireSecretService();
    const sandbox = await Sandbox.create();
    try {
      await addFixtureServer(sandbox, 'keyed', ['--secret', 'api_key:KEYED_API_KEY']);
      const secret = 'sk-gateway-http-0123456789';
      expect((await sandbox.run(['secret', 'set', 'keyed.api_key'], { input: `${secret}\n` })).code).toBe(0);
      expect((await sandbox.run(['server', 'enable', 'keyed'])).code).toBe(0);
      const printed = await sandbox.run(['gateway', '--print-token']);
      expect(printed.code, printed.stderr).toBe(0);
      const token = printed.stdout.trim();
      expect(token).toMatch(/^mcpk_[A-Za-z0-9_-]{43}$/);
      expect((await sandbox.run(['gateway', '--print-token'])).stdout.trim()).toBe(token);
      expect(await sandbox.keychainValue('gateway:http-token')).toBe(token);
      // Not a secret name: `secret list` does not show it.
      expect((await sandbox.run(['secret', 'list'])).stdout).not.toContain('gateway');

      const child = spawn(process.execPath, [BIN, 'gateway', '--http', '--port', '0'], { cwd: sandbox.cwd, env: sandbox.baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        await eventually(() => /listening on http:\/\/127\.0\.0\.1:\d+\/mcp/.test(stderr), 'the gateway to listen', 60_000);
        const url = new URL(/listening on (\S+)/.exec(stderr)![1]!);
        const headers = { authorization: `Bearer ${token}` };

        const legacyTransport = new LegacyHttp(url, { requestInit: { headers } });
        const legacy = new LegacyClient({ name: 'v1-client', version: '1.0.0' });
        await legacy.connect(legacyTransport, { timeout: 60_000 });
        expect((await legacy.listTools(undefined, { timeout: 60_000 })).tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['keyed__env', 'mcp-status']));
        expect(textOf(await legacy.callTool({ name: 'keyed__env', arguments: { name: 'KEYED_API_KEY' } }, undefined, { timeout: 60_000 }))).toBe(secret);

        const modern = new ModernClient({ name: 'v2-client', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
        await modern.connect(new ModernHttp(url, { requestInit: { headers } }), { timeout: 60_000 });
        expect(modern.getProtocolEra()).toBe('modern');
        expect((await modern.listTools(undefined, { timeout: 60_000 })).tools.map((tool) => tool.name)).toContain('keyed__pid');
        expect(textOf(await modern.callTool({ name: 'keyed__env', arguments: { name: 'KEYED_API_KEY' } }, { timeout: 60_000 }))).toBe(secret);

        // Every session is on one hub: both clients reach the same running server.
        const pid = textOf(await legacy.callTool({ name: 'keyed__pid', arguments: {} }, undefined, { timeout: 60_000 }));
        expect(textOf(await modern.callTool({ name: 'keyed__pid', arguments: {} }, { timeout: 60_000 }))).toBe(pid);

        const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
        const post = (extra: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...extra }, body });
        expect((await post({})).status).toBe(401);
        expect((await post({ authorization: 'Bearer mcpk_wrong' })).status).toBe(401);
        expect((await post({ ...headers, origin: 'https://attacker.example' })).status).toBe(403);
        // The token is in no process's command line (the servers the gateway started included).
        expect(await processesWith(token)).toBe(0);

        await legacyTransport.terminateSession();
        await Promise.all([legacy.close(), modern.close()]);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      // stderr is not a terminal here: the token is not shown there, only how to get it.
      expect(stderr).toContain('mcpkey gateway --print-token');
      const log = await readFile(join(sandbox.mcpkeyHome, 'gateway-http.log'), 'utf8');
      expect(log).toMatch(/listening on http:\/\/127\.0\.0\.1/);
      for (const text of [stderr, ...(await filesUnder(sandbox.mcpkeyHome)).map((file) => file.content)]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(secret);
      }
    } finally {
      await sandbox.cleanup();
    }
  });

  it('option mistakes are usage errors; a port already taken is exit 9, named', async () => {
    const sandbox = await Sandbox.create();
    try {
      const alone = await sandbox.run(['gateway', '--port', '7417']);
      expect(alone.code).toBe(2);
      expect(alone.stderr).toMatch(/--port and --allow-origin go with --http/);
      const bad = await sandbox.run(['gateway', '--http', '--port', 'eighty']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--port must be a number/);
      const origin = await sandbox.run(['gateway', '--http', '--port', '0', '--allow-origin', 'http://localhost:3000/app']);
      expect(origin.code).toBe(2);
      const taken = await sandbox.run(['gateway', '--http', '--port', String(gateway.port)]);
      expect(taken.code).toBe(9);
      expect(taken.stderr).toMatch(new RegExp(`port ${gateway.port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      await sandbox.cleanup();
    }
  });
});
