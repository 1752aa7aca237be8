import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedEntry } from '../../src/core/catalog/types.js';
import { GatewayHub, serveGateway, type GatewayDeps, type GatewaySettings } from '../../src/gateway/index.js';

const remote: ResolvedEntry = { name: 'remote', title: 'Remote', description: 'an OAuth server', transport: { type: 'remote', url: 'http://127.0.0.1:9/mcp', transport: 'streamable-http' }, secrets: [], source: 'user' };

/** One client session on in-memory streams, as the HTTP transport runs them; answers by id. */
function session(hub: GatewayHub, settings: GatewaySettings) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const answers = new Map<number, (result: any) => void>();
  let buffer = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const message = JSON.parse(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      answers.get(message.id)?.(message.result ?? message.error);
    }
  });
  const done = serveGateway({ ...settings, hub, stdin, stdout });
  let id = 0;
  const request = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<any>((resolve) => {
      answers.set((id += 1), resolve);
      stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  return { request, close: () => (stdin.end(), done) };
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('GatewayHub shared by sessions', () => {
  it('two sessions asking to add the same OAuth server get one sign-in and the same link', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-hub-'));
    let flows = 0;
    const deps: GatewayDeps = {
      stateDir: dir,
      state: async () => ({ catalog: [remote], enabled: [] }),
      readiness: async () => ({ kind: 'oauth', ready: false, secrets: [], oauth: { status: 'not-authorized' }, missing: [{ type: 'oauth' }], nextSteps: [] }),
      enable: async () => undefined,
      disable: async () => { throw new Error('not used'); },
      connect: async () => { throw new Error('not used'); },
      authorize: (_entry, onLink) => {
        flows += 1;
        onLink(`http://127.0.0.1:1/authorize?flow=${flows}`);
        return new Promise<void>(() => undefined);
      },
    };
    const settings: GatewaySettings = { deps, log: () => undefined, dynamic: true, idleMs: 60_000, timeoutMs: 10_000, version: '0' };
    const hub = new GatewayHub(settings);
    const [a, b] = [session(hub, settings), session(hub, settings)];
    for (const client of [a, b]) await client.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } });
    const first = await a.request('tools/call', { name: 'mcp-add', arguments: { name: 'remote' } });
    const second = await b.request('tools/call', { name: 'mcp-add', arguments: { name: 'remote' } });
    expect(first.content[0].text).toContain('http://127.0.0.1:1/authorize?flow=1');
    expect(second.content[0].text).toContain('http://127.0.0.1:1/authorize?flow=1');
    expect(flows).toBe(1);
    // A session ending leaves the hub to the others.
    expect(await a.close()).toBe(0);
    expect((await b.request('tools/list')).tools.map((tool: { name: string }) => tool.name)).toContain('mcp-status');
    await b.close();
    await hub.close();
  });

  it('mcp-remove while the sign-in is pending: the grant it brings is cleared, the server not enabled', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-hub-'));
    const calls: string[] = [];
    let signIn!: () => void;
    const deps: GatewayDeps = {
      stateDir: dir,
      state: async () => ({ catalog: [remote], enabled: [] }),
      readiness: async () => ({ kind: 'oauth', ready: false, secrets: [], oauth: { status: 'not-authorized' }, missing: [{ type: 'oauth' }], nextSteps: [] }),
      enable: async (name) => void calls.push(`enable ${name}`),
      disable: async (name) => (calls.push(`disable ${name}`), { name, wasEnabled: false, grantCleared: true, clientDeleted: false, clientSharedWith: [], purged: [], notDone: [] }),
      connect: async () => { throw new Error('not used'); },
      authorize: (_entry, onLink) => {
        onLink('http://127.0.0.1:1/authorize');
        return new Promise<void>((resolve) => (signIn = resolve));
      },
    };
    const settings: GatewaySettings = { deps, log: () => undefined, dynamic: true, idleMs: 60_000, timeoutMs: 10_000, version: '0' };
    const hub = new GatewayHub(settings);
    const client = session(hub, settings);
    await client.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } });
    expect((await client.request('tools/call', { name: 'mcp-add', arguments: { name: 'remote' } })).content[0].text).toContain('http://127.0.0.1:1/authorize');
    await client.request('tools/call', { name: 'mcp-remove', arguments: { name: 'remote' } });
    signIn();
    for (let tries = 0; calls.length < 2 && tries < 200; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toEqual(['disable remote', 'disable remote']);
    await client.close();
    await hub.close();
  });
});

describe('GatewayHub routing', () => {
  it('routes by the state deps.state() answers: a server taken off the enabled list stops being routed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-hub-'));
    const local: ResolvedEntry = { name: 'local', title: 'Local', description: 'a stdio server', transport: { type: 'stdio', command: 'node', args: [] }, secrets: [], source: 'user' };
    const calls: string[] = [];
    const connection = {
      era: 'legacy',
      http: false,
      timeoutMs: 10_000,
      screened: new Map(),
      client: {
        getServerCapabilities: () => ({ tools: {} }),
        request: async () => ({ tools: [{ name: 'echo', inputSchema: { type: 'object' } }] }),
        callTool: async (params: { name: string }) => (calls.push(params.name), { content: [{ type: 'text', text: `called ${params.name}` }] }),
      },
      run: (op: (client: unknown) => Promise<unknown>) => op(connection.client),
      relay: async (_client: unknown, method: string, params: { name: string }) => (method === 'tools/call' ? connection.client.callTool(params) : undefined),
      close: async () => undefined,
    };
    let state = { catalog: [local], enabled: ['local'] };
    const deps: GatewayDeps = {
      stateDir: dir,
      state: async () => state,
      readiness: async () => ({ kind: 'none', ready: true, secrets: [], missing: [], nextSteps: [] }),
      enable: async () => undefined,
      disable: async () => { throw new Error('not used'); },
      connect: async () => connection as never,
      authorize: async () => { throw new Error('not used'); },
    };
    const hub = new GatewayHub({ deps, log: () => undefined, dynamic: true, idleMs: 60_000, timeoutMs: 10_000, version: '0' });
    const signal = new AbortController().signal;
    expect((await hub.callTool({ name: 'local__echo' }, signal)).content[0]).toEqual({ type: 'text', text: 'called echo' });
    expect((await hub.callTool({ name: 'local__echo' }, signal)).content[0]).toEqual({ type: 'text', text: 'called echo' });
    await expect(hub.callTool({ name: 'other__echo' }, signal)).rejects.toMatchObject({ code: -32602 });
    // Another mcpkey disabled it: the config's next state no longer lists it.
    state = { catalog: [local], enabled: [] };
    await expect(hub.callTool({ name: 'local__echo' }, signal)).rejects.toMatchObject({ code: -32602 });
    expect(calls).toEqual(['echo', 'echo']);
    await hub.close();
  });
});
