import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileMcp, type HostileMcp } from '../fixtures/hostile-mcp.js';
import { startHostileOAuth, type EndlessPart, type HostileOAuth } from '../fixtures/hostile-oauth.js';
import { BIN, expectOneLine, requireSecretService, ROOT, runProcess, useSandbox } from './helpers.js';
import { INITIALIZE, rawBridge } from './raw-bridge.js';

beforeAll(requireSecretService);

const MiB = 1024 * 1024;
/** What the kernel's socket buffers may hold besides what mcpkey read: loopback buffers grow to a few MiB. */
const SLACK = 32 * MiB;
const REDIRECT_BROWSER = join(ROOT, 'test/fixtures/redirect-browser.mjs');
const HOSTILE_STDIO = join(ROOT, 'test/fixtures/hostile-stdio.mjs');

const sandbox = useSandbox();

describe('bodies from OAuth peers are capped at 1 MiB', () => {
  let peer: HostileOAuth;
  beforeAll(async () => {
    peer = await startHostileOAuth();
  });
  afterAll(async () => {
    await peer?.close();
  });

  it.each<[EndlessPart, RegExp]>([
    ['resource-metadata', /the metadata at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp is larger than 1 MiB/],
    ['as-metadata', /the metadata at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-authorization-server is larger than 1 MiB/],
    ['registration', /the registration answer at http:\/\/127\.0\.0\.1:\d+\/register is larger than 1 MiB/],
    ['token', /the answer at http:\/\/127\.0\.0\.1:\d+\/token is larger than 1 MiB/],
  ])('endless %s: exit 7 with one line, and mcpkey stopped reading', async (part, message) => {
    peer.configure({ endless: part });
    expect((await sandbox.run(['server', 'add', 'evil', '--url', peer.url])).code).toBe(0);
    const before = peer.sent();
    const result = await sandbox.run(['oauth', 'authorize', 'evil'], { env: { BROWSER: REDIRECT_BROWSER }, timeoutMs: 90_000 });
    expectOneLine(result, 7, message);
    expect(peer.sent() - before).toBeLessThan(1 * MiB + SLACK);
    expect(await sandbox.keychainValue('oauth:evil')).toBeUndefined();
  }, 120_000);
});

describe('MCP messages are capped at 64 MiB, on every transport', () => {
  let peer: HostileMcp;
  beforeAll(async () => {
    peer = await startHostileMcp();
  });
  afterAll(async () => {
    await peer?.close();
  });

  it.each(['endless-json', 'endless-event'] as const)('tools list against %s: exit 9, one line, the peer cut off', async (behaviour) => {
    peer.configure({ toolsList: behaviour });
    expect((await sandbox.run(['server', 'add', 'evil', '--url', peer.url, '--no-auth'])).code).toBe(0);
    const before = peer.sent();
    const result = await sandbox.run(['tools', 'list', 'evil', '--protocol', '2025-11-25'], { timeoutMs: 120_000 });
    expectOneLine(result, 9, /evil sent an MCP message larger than 64 MiB/);
    expect(peer.sent() - before).toBeLessThan(64 * MiB + SLACK);
  }, 150_000);

  it('the run bridge answers the request with the same error', async () => {
    peer.configure({ toolsList: 'endless-event' });
    expect((await sandbox.run(['server', 'add', 'evil', '--url', peer.url, '--no-auth'])).code).toBe(0);
    const before = peer.sent();
    const bridge = rawBridge(sandbox, ['evil', '--protocol', '2025-11-25']);
    try {
      bridge.send(INITIALIZE);
      expect(await bridge.response(0)).toHaveProperty('result');
      bridge.send({ id: 1, method: 'tools/list', params: {} });
      const answer = await bridge.response(1, 120_000);
      expect((answer.error as { message: string }).message).toMatch(/evil sent an MCP message larger than 64 MiB/);
      expect(peer.sent() - before).toBeLessThan(64 * MiB + SLACK);
      // The connection is gone: the bridge stops by itself (stdin still open) with the server-failure code.
      expect(await bridge.exited()).toBe(9);
    } finally {
      await bridge.close();
    }
  }, 150_000);

  it('a stdio server writing one endless line', async () => {
    expect((await sandbox.run(['server', 'add', 'evil-stdio', '--', process.execPath, HOSTILE_STDIO])).code).toBe(0);
    const result = await sandbox.run(['tools', 'list', 'evil-stdio', '--protocol', '2025-11-25'], { env: { HOSTILE_MODE: 'endless' }, timeoutMs: 120_000 });
    expectOneLine(result, 9, /evil-stdio sent an MCP message larger than 64 MiB/);
  }, 150_000);
});

describe('the remote side of run waits as long as tools does', () => {
  let peer: HostileMcp;
  beforeAll(async () => {
    peer = await startHostileMcp({ toolsCall: 'stall' });
  });
  afterAll(async () => {
    await peer?.close();
  });

  it('MCPKEY_REQUEST_TIMEOUT bounds a request that is never answered, in tools call and in the bridge', async () => {
    expect((await sandbox.run(['server', 'add', 'stuck', '--url', peer.url, '--no-auth'])).code).toBe(0);
    const env = { MCPKEY_REQUEST_TIMEOUT: '2' };

    let started = Date.now();
    const call = await sandbox.run(['tools', 'call', 'stuck', 'echo', '--protocol', '2025-11-25'], { env, timeoutMs: 60_000 });
    expectOneLine(call, 9, /stuck did not answer in time/);
    expect(Date.now() - started).toBeLessThan(30_000);

    const bridge = rawBridge(sandbox, ['stuck', '--protocol', '2025-11-25'], env);
    try {
      bridge.send(INITIALIZE);
      await bridge.response(0);
      started = Date.now();
      bridge.send({ id: 7, method: 'tools/call', params: { name: 'echo', arguments: {} } });
      const answer = await bridge.response(7, 45_000);
      expect(answer).toHaveProperty('error');
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await bridge.close();
    }
  }, 120_000);

  it('a malformed MCPKEY_REQUEST_TIMEOUT is a usage error', async () => {
    expect((await sandbox.run(['server', 'add', 'stuck', '--url', peer.url, '--no-auth'])).code).toBe(0);
    expectOneLine(await sandbox.run(['tools', 'list', 'stuck'], { env: { MCPKEY_REQUEST_TIMEOUT: 'soon' } }), 2, /MCPKEY_REQUEST_TIMEOUT must be a number of seconds/);
  });
});

describe('files are regular and at most 10 MiB', () => {
  function mkfifo(path: string): void {
    const made = spawnSync('mkfifo', [path]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  }

  it('an env file that is a FIFO, a device or a directory is refused at once, unread', async () => {
    const fifo = join(sandbox.dir, 'env.fifo');
    mkfifo(fifo);
    const dir = join(sandbox.dir, 'env.dir');
    await mkdir(dir);
    for (const [path, kind] of [
      [fifo, 'a FIFO'],
      ['/dev/zero', 'a device'],
      [dir, 'a directory'],
    ] as const) {
      const started = Date.now();
      // `node --`: Node 20 itself reads a `--env-file` anywhere on its command line, before mcpkey runs.
      const result = await runProcess(process.execPath, ['--', BIN, '--env-file', path, 'secret', 'get', 'neon.api_key'], { cwd: sandbox.cwd, env: sandbox.baseEnv(), timeoutMs: 30_000 });
      expectOneLine(result, 6, new RegExp(`cannot read env file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: it is ${kind}`));
      expect(Date.now() - started).toBeLessThan(15_000);
    }
    // The same through MCPKEY_ENV_FILE, and for the implicit ./.env.mcp.
    expectOneLine(await sandbox.run(['secret', 'list'], { env: { MCPKEY_ENV_FILE: fifo }, timeoutMs: 30_000 }), 6, /it is a FIFO/);
    mkfifo(join(sandbox.cwd, '.env.mcp'));
    expectOneLine(await sandbox.run(['secret', 'get', 'neon.api_key'], { timeoutMs: 30_000 }), 6, /\.env\.mcp: it is a FIFO/);
  }, 120_000);

  it('an env file, config.json and a client file over 10 MiB are refused with exit 6', async () => {
    const big = `${'#'.repeat(10 * MiB)}\nNEON_API_KEY=x\n`;
    await writeFile(join(sandbox.cwd, '.env.mcp'), big);
    expectOneLine(await sandbox.run(['secret', 'get', 'neon.api_key']), 6, /\.env\.mcp: it is larger than 10 MiB/);

    await mkdir(sandbox.mcpkeyHome, { recursive: true });
    await writeFile(join(sandbox.mcpkeyHome, 'config.json'), `{"version": 1${' '.repeat(10 * MiB)}}`);
    expectOneLine(await sandbox.run(['server', 'list']), 6, /config\.json: it is larger than 10 MiB/);
    expectOneLine(await sandbox.run(['server', 'enable', 'memory']), 6, /config\.json: it is larger than 10 MiB/);
  }, 180_000);

  it('a client file that is over 10 MiB or a FIFO is not touched', async () => {
    const file = join(sandbox.cwd, '.mcp.json');
    await writeFile(file, `{"mcpServers": {}${' '.repeat(10 * MiB)}}`);
    expectOneLine(await sandbox.run(['client', 'config', 'claude-code', 'memory', '--write']), 6, /\.mcp\.json cannot be updated: it is larger than 10 MiB/);
    const fifo = join(sandbox.cwd, 'fifo.json');
    mkfifo(fifo);
    expectOneLine(await sandbox.run(['client', 'config', 'claude-code', 'memory', '--write', '--file', 'fifo.json'], { timeoutMs: 30_000 }), 6, /fifo\.json cannot be updated: it is a FIFO/);
  }, 180_000);
});
