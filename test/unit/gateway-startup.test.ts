import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedEntry } from '../../src/core/catalog/types.js';
import { ToolCache } from '../../src/gateway/cache.js';
import { GatewayHub, serveGateway, type GatewayDeps, type GatewaySettings } from '../../src/gateway/index.js';
import { startupKey } from '../../src/gateway/startup.js';

let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (name: string): ResolvedEntry => ({ name, title: name, description: name, transport: { type: 'stdio', command: 'node', args: [] }, secrets: [], source: 'user' });
const tool = (name: string) => ({ name, inputSchema: { type: 'object' as const } });

describe('the startup key', () => {
  it('changes with the config file, the project file in effect, the version and --servers, and with nothing else', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-startup-'));
    const configFile = join(dir, 'home', 'config.json');
    const cwd = join(dir, 'repo', 'sub');
    await mkdir(cwd, { recursive: true });
    await mkdir(join(dir, 'home'));
    const inputs = { configFile, cwd, env: {}, version: '1.0.0' };
    const none = await startupKey(inputs);
    expect(none).toBeDefined();
    expect(await startupKey(inputs)).toBe(none);

    await writeFile(configFile, '{"enabled":[]}');
    const withConfig = await startupKey(inputs);
    expect(withConfig).not.toBe(none);
    await writeFile(configFile, '{"enabled":["a"]}');
    expect(await startupKey(inputs)).not.toBe(withConfig);
    const current = await startupKey(inputs);
    const ignoringProjects = await startupKey({ ...inputs, env: { MCPKEY_NO_PROJECT: '1' } });

    // A project file above the working directory takes effect; so does a nearer one.
    await writeFile(join(dir, 'repo', 'mcpkey.json'), '{}');
    const inRepo = await startupKey(inputs);
    expect(inRepo).not.toBe(current);
    await writeFile(join(cwd, 'mcpkey.json'), '{}');
    expect(await startupKey(inputs)).not.toBe(inRepo);
    // With MCPKEY_NO_PROJECT=1 project files have no say.
    expect(await startupKey({ ...inputs, env: { MCPKEY_NO_PROJECT: '1' } })).toBe(ignoringProjects);

    expect(await startupKey({ ...inputs, version: '1.0.1' })).not.toBe(await startupKey(inputs));
    expect(await startupKey({ ...inputs, servers: ['a'] })).not.toBe(await startupKey(inputs));
  });
});

/** A hub over fake deps that count their loads, as the quick start's lazy deps do. */
function quickHub(stateDir: string, state: { catalog: ResolvedEntry[]; enabled: string[] }, key: () => string) {
  const loads = { state: 0 };
  const deps: GatewayDeps = {
    stateDir,
    state: async () => ((loads.state += 1), state),
    readiness: async () => ({ kind: 'none', ready: true, secrets: [], missing: [], nextSteps: [] }) as never,
    enable: async () => undefined,
    disable: async () => { throw new Error('not used'); },
    connect: async () => { throw new Error('not used'); },
    authorize: async () => { throw new Error('not used'); },
  };
  const settings: GatewaySettings = { deps, log: () => undefined, dynamic: false, idleMs: 60_000, timeoutMs: 10_000, version: '0', startupKey: async () => key() };
  return { hub: new GatewayHub(settings), settings, loads };
}

/** One tools/list; `atAnswer` runs the moment the answer arrives. */
async function listOnce(hub: GatewayHub, settings: GatewaySettings, atAnswer: () => void = () => undefined): Promise<string[]> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (!out) atAnswer();
    out += chunk;
  });
  const done = serveGateway({ ...settings, hub, stdin, stdout });
  stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })}\n`);
  while (!out.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 5));
  stdin.end();
  await done;
  return (JSON.parse(out.split('\n')[0]!).result.tools as Array<{ name: string }>).map((listed) => listed.name);
}

describe('the first tools/list from the saved view', () => {
  it('is answered from the cache without reading the state when the key matches, and from the state when it does not', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-startup-'));
    const seed = new ToolCache(dir, () => undefined);
    seed.set('a', [tool('one')]);
    seed.set('b', [tool('two')]);
    await seed.flush();
    const state = { catalog: [entry('a'), entry('b')], enabled: ['a', 'b'] };

    // First start: no view yet, so the state is read, and the view saved under the key.
    const first = quickHub(dir, state, () => 'k1');
    expect(await listOnce(first.hub, first.settings)).toEqual(['mcp-status', 'a__one', 'b__two']);
    expect(first.loads.state).toBeGreaterThan(0);
    await first.hub.close();

    // Same key: answered before the state is read (the state loads only afterwards, in the background).
    const second = quickHub(dir, { catalog: [], enabled: [] }, () => 'k1');
    let readsAtAnswer = -1;
    expect(await listOnce(second.hub, second.settings, () => (readsAtAnswer = second.loads.state))).toEqual(['mcp-status', 'a__one', 'b__two']);
    expect(readsAtAnswer).toBe(0);
    await second.hub.close();

    // Another key (the config changed): the state decides.
    const third = quickHub(dir, { catalog: [entry('a'), entry('b')], enabled: ['b'] }, () => 'k2');
    expect(await listOnce(third.hub, third.settings)).toEqual(['mcp-status', 'b__two']);
    await third.hub.close();
  });

  it('is not used when a server in the view has lost its cached tools', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-startup-'));
    const seed = new ToolCache(dir, () => undefined);
    seed.set('a', [tool('one')]);
    seed.setView({ key: 'k', servers: ['a', 'gone'] });
    await seed.flush();
    const fresh = new ToolCache(dir, () => undefined);
    await fresh.load();
    expect(fresh.view('k')).toBeUndefined();
    expect(fresh.view('other')).toBeUndefined();
    seed.set('gone', [tool('back')]);
    await seed.flush();
    const again = new ToolCache(dir, () => undefined);
    await again.load();
    expect(again.view('k')?.servers).toEqual(['a', 'gone']);
  });
});
