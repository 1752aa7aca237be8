import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startModernMcpServer } from '../fixtures/mcp-server-2026.js';
import { startPrivateKeyring, type PrivateKeyring } from '../fixtures/private-keyring.js';
import { BIN, requireSecretService, useSandbox, type RunResult } from './helpers.js';

beforeAll(requireSecretService);

/** `mcpkey doctor` in a sandbox whose PATH holds exactly the programs a test puts there. */
const sandbox = useSandbox();

interface Check {
  id: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  hint?: string;
}

/** A PATH of one directory: `mcpkey` (this checkout) and stand-ins for the launchers named (doctor never runs them). */
async function pathWith(programs: string[]): Promise<string> {
  const dir = join(sandbox.dir, `bin-${programs.join('-') || 'none'}`);
  await mkdir(dir, { recursive: true });
  for (const program of programs) {
    if (program === 'mcpkey') await symlink(BIN, join(dir, 'mcpkey'));
    else {
      await writeFile(join(dir, program), '#!/bin/sh\nexit 0\n');
      await chmod(join(dir, program), 0o755);
    }
  }
  return dir;
}

async function doctor(path: string, env: Record<string, string | undefined> = {}): Promise<{ result: RunResult; checks: Check[]; ok: boolean }> {
  const result = await sandbox.run(['doctor', '--json'], { env: { PATH: path, ...env }, timeoutMs: 60_000 });
  const data = JSON.parse(result.stdout) as { ok: boolean; checks: Check[]; warnings: string[] };
  expect(data.warnings).toEqual([]);
  return { result, checks: data.checks, ok: data.ok };
}

const check = (checks: Check[], id: string) => checks.find((item) => item.id === id);

/** `server enable` wants the server ready: `env` gives it what it needs then. */
async function addAndEnable(name: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const added = await sandbox.run(['server', 'add', name, ...args]);
  expect(added.code, added.stderr).toBe(0);
  const enabled = await sandbox.run(['server', 'enable', name], { env });
  expect(enabled.code, enabled.stderr).toBe(0);
}

describe('mcpkey doctor', () => {
  it('a healthy setup: every check ok, exit 0, a readable list on stdout', async () => {
    expect((await sandbox.run(['secret', 'set', 'acme.api_key'], { input: 'doctor-canary-value' })).code).toBe(0);
    await addAndEnable('acme', ['--secret', 'api_key:ACME_API_KEY', '--', 'npx', '-y', '@acme/mcp-server']);
    const path = await pathWith(['mcpkey', 'npx']);
    const { result, checks, ok } = await doctor(path);
    expect(result.code, result.stderr).toBe(0);
    expect(ok).toBe(true);
    expect(checks.map((item) => [item.id, item.status])).toEqual([
      ['keychain', 'ok'],
      ['config', 'ok'],
      ['mcpkey-on-path', 'ok'],
      ['launcher:npx', 'ok'],
      ['server:acme', 'ok'],
    ]);
    expect(check(checks, 'launcher:npx')!.message).toBe(`npx found at ${join(path, 'npx')} (for acme)`);

    const text = await sandbox.run(['doctor'], { env: { PATH: path } });
    expect(text.code, text.stderr).toBe(0);
    // Not a terminal: words, no marks or colours.
    expect(text.stdout).toMatch(/^ok {3}the OS keychain is reachable and unlocked/m);
    expect(text.stdout).toMatch(/^ok {3}acme is ready$/m);
    expect(text.stdout.trim().split('\n').at(-1)).toBe('everything looks right');
    expect(text.stdout).not.toMatch(/[✓✗\x1b]/);
    expect(JSON.stringify(sandbox.transcript)).not.toContain('doctor-canary-value');
  }, 120_000);

  it('a missing secret: exit 4 with the exact command that fixes it', async () => {
    // Enabled while this shell had the key; doctor runs in one that has not.
    await addAndEnable('acme', ['--secret', 'api_key:ACME_API_KEY', '--', 'npx', '-y', '@acme/mcp-server'], { ACME_API_KEY: 'enable-canary-value' });
    const path = await pathWith(['mcpkey', 'npx']);
    const { result, checks, ok } = await doctor(path);
    expect(result.code).toBe(4);
    expect(ok).toBe(false);
    expect(check(checks, 'server:acme')).toEqual({ id: 'server:acme', status: 'fail', message: 'acme is enabled but not ready', hint: 'run: mcpkey secret set acme.api_key' });
    const text = await sandbox.run(['doctor'], { env: { PATH: path } });
    expect(text.code).toBe(4);
    expect(text.stdout).toContain('FAIL acme is enabled but not ready\n     fix: run: mcpkey secret set acme.api_key\n');
    expect(text.stdout.trim().split('\n').at(-1)).toBe('1 problem');
  }, 120_000);

  it('a launcher missing from PATH: the server cannot start, and where to get it', async () => {
    await addAndEnable('pyfetch', ['--', 'uvx', 'mcp-server-fetch']);
    const { result, checks } = await doctor(await pathWith(['mcpkey', 'npx']));
    expect(result.code).toBe(4);
    expect(check(checks, 'launcher:uvx')).toMatchObject({ status: 'fail', message: 'uvx is not on PATH: pyfetch cannot start' });
    expect(check(checks, 'launcher:uvx')!.hint).toMatch(/^install uv, which provides uvx: https:\/\/docs\.astral\.sh\/uv\/getting-started\/installation\/; then restart your MCP client/);
    // With uvx on PATH the same setup is well.
    const fixed = await doctor(await pathWith(['mcpkey', 'uvx']));
    expect(fixed.result.code).toBe(0);
    expect(check(fixed.checks, 'launcher:uvx')!.status).toBe('ok');
  }, 120_000);

  it('secrets only this shell has (environment, ./.env.mcp): ready here, a warning for clients started elsewhere (exit 0)', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'acme.region=eu-canary-region\n');
    await addAndEnable('acme', ['--secret', 'api_key:ACME_API_KEY', '--secret', 'region:ACME_REGION', '--', 'npx', '-y', '@acme/mcp-server'], { ACME_API_KEY: 'env-canary-value' });
    const path = await pathWith(['mcpkey', 'npx']);
    const { result, checks } = await doctor(path, { ACME_API_KEY: 'env-canary-value' });
    expect(result.code, result.stderr).toBe(0);
    expect(check(checks, 'server:acme')!.status).toBe('ok');
    expect(check(checks, 'shell-only:acme')).toEqual({
      id: 'shell-only:acme',
      status: 'warn',
      message: 'acme: acme.api_key (environment variable ACME_API_KEY) and acme.region (./.env.mcp) come only from this shell, which an MCP client started elsewhere does not see',
      hint: 'store them in the keychain: mcpkey secret set acme.api_key; mcpkey secret set acme.region',
    });
    // Once the keychain has one, only the other is left.
    expect((await sandbox.run(['secret', 'set', 'acme.api_key'], { input: 'keychain-canary-value' })).code).toBe(0);
    const after = await doctor(path, { ACME_API_KEY: 'env-canary-value' });
    expect(check(after.checks, 'shell-only:acme')!.message).toMatch(/^acme: acme\.region \(\.\/\.env\.mcp\) comes only from this shell/);
    expect(JSON.stringify(sandbox.transcript)).not.toMatch(/canary/);
  }, 120_000);

  it('mcpkey not on PATH: a warning with the install command and the absolute path for client config (exit 0)', async () => {
    const { result, checks } = await doctor(await pathWith([]));
    expect(result.code, result.stderr).toBe(0);
    expect(check(checks, 'mcpkey-on-path')).toEqual({
      id: 'mcpkey-on-path',
      status: 'warn',
      message: 'mcpkey is not on PATH: MCP clients start it by name and will not find it',
      hint: `install it: npm install -g mcpkey (from a clone: npm link), or write client entries with this one's path: mcpkey client config CLIENT --command ${BIN}`,
    });
    expect(check(checks, 'servers')).toMatchObject({ status: 'warn', message: 'no server is enabled' });
  }, 120_000);

  it("client files: a server mcpkey does not know fails, a disabled one warns", async () => {
    await addAndEnable('acme', ['--', 'npx', '-y', '@acme/mcp-server']);
    await mkdir(join(sandbox.home, '.cursor'), { recursive: true });
    const cursor = join(sandbox.home, '.cursor', 'mcp.json');
    const entry = (name: string) => ({ command: 'mcpkey', args: ['run', name] });
    await writeFile(cursor, JSON.stringify({ mcpServers: { acme: entry('acme'), ghost: entry('ghost'), other: { command: 'node', args: ['x.js'] } } }));
    const path = await pathWith(['mcpkey', 'npx']);
    const first = await doctor(path);
    expect(first.result.code).toBe(4);
    expect(check(first.checks, 'client:cursor')).toMatchObject({ status: 'fail', message: `cursor (${cursor}) runs "ghost" through mcpkey, which no catalog entry has: the client cannot start it` });
    await writeFile(cursor, JSON.stringify({ mcpServers: { acme: entry('acme'), mem: entry('memory') } }));
    const second = await doctor(path);
    expect(second.result.code).toBe(0);
    expect(check(second.checks, 'client:cursor')).toMatchObject({ status: 'warn', hint: 'mcpkey server enable memory (or remove the entry from the file)' });
  }, 120_000);

  it('an OAuth grant that ends within a day without a refresh token, and the revision a remote server spoke (from the cache, offline)', async () => {
    const url = 'http://127.0.0.1:9/mcp';
    await addAndEnable('tracker', ['--url', url]);
    const expiresAt = new Date(Date.now() + 3 * 3600_000 + 600_000).toISOString();
    await sandbox.storeKeychainValue(
      'oauth:tracker',
      JSON.stringify({ version: 1, server: 'tracker', resource: url, issuer: 'http://127.0.0.1:9', tokenEndpoint: 'http://127.0.0.1:9/token', clientId: 'c', client: 'dynamic', authMethod: 'none', accessToken: 'grant-canary-token', tokenType: 'Bearer', expiresAt, obtainedAt: new Date().toISOString() }),
    );
    await writeFile(join(sandbox.mcpkeyHome, 'protocol-cache.json'), JSON.stringify({ version: 1, servers: { [`tracker ${url}`]: { kind: 'modern', discover: {}, seenAt: new Date().toISOString() } } }));
    const { result, checks } = await doctor(await pathWith(['mcpkey']));
    expect(result.code, result.stderr).toBe(0);
    expect(check(checks, 'server:tracker')!.status).toBe('ok');
    expect(check(checks, 'oauth:tracker')).toEqual({
      id: 'oauth:tracker',
      status: 'warn',
      message: `tracker's authorization expires in 3 h (${expiresAt}) and cannot be renewed (no refresh token)`,
      hint: 'authorize again before then: mcpkey oauth authorize tracker',
    });
    expect(check(checks, 'protocol:tracker')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^tracker speaks 2026-07-28 \(seen \d{4}-\d\d-\d\d\)$/) });
    expect(JSON.stringify(sandbox.transcript)).not.toContain('grant-canary-token');
  }, 120_000);
});

describe('mcpkey doctor with a broken config file', () => {
  it('reports it as a failed check and still runs the others on the built-in catalog (exit 4, not 6)', async () => {
    await mkdir(sandbox.mcpkeyHome, { recursive: true });
    await writeFile(join(sandbox.mcpkeyHome, 'config.json'), '{ "enabled": [');
    const { result, checks } = await doctor(await pathWith(['mcpkey']));
    expect(result.code, result.stderr).toBe(4);
    expect(check(checks, 'config')).toMatchObject({ status: 'fail', message: expect.stringMatching(/config\.json.*; the checks below use the built-in catalog and no enabled servers$/) });
    expect(check(checks, 'keychain')!.status).toBe('ok');
    expect(check(checks, 'servers')!.status).toBe('warn');
  }, 60_000);
});

describe('mcpkey doctor --probe', () => {
  it('connects to each ready remote server once for its revision; without --probe the cache answers, offline', async () => {
    const modern = await startModernMcpServer({});
    try {
      await addAndEnable('modern', ['--url', modern.url, '--no-auth']);
      await addAndEnable('down', ['--url', 'http://127.0.0.1:9/mcp', '--no-auth']);
      const path = await pathWith(['mcpkey']);
      modern.clearRequests();
      const offline = await doctor(path);
      expect(offline.result.code, offline.result.stderr).toBe(0);
      expect(check(offline.checks, 'protocol:modern')!.message).toMatch(/^modern: protocol revision not known yet/);
      expect(modern.requests()).toEqual([]);

      const probed = await sandbox.run(['doctor', '--json', '--probe'], { env: { PATH: path }, timeoutMs: 90_000 });
      expect(probed.code, probed.stderr).toBe(0);
      const checks = (JSON.parse(probed.stdout) as { checks: Check[] }).checks;
      expect(check(checks, 'protocol:modern')).toEqual({ id: 'protocol:modern', status: 'ok', message: 'modern speaks 2026-07-28 (connected now)' });
      expect(check(checks, 'protocol:down')).toMatchObject({ status: 'warn', message: expect.stringMatching(/^down: could not connect to learn its protocol revision \(.+\)$/), hint: 'see mcpkey tools list down' });
      expect(modern.requests().length).toBeGreaterThan(0);

      // The probe left its verdict in the cache: the next plain doctor knows, and asks nothing.
      modern.clearRequests();
      const after = await doctor(path);
      expect(check(after.checks, 'protocol:modern')!.message).toMatch(/^modern speaks 2026-07-28 \(seen \d{4}-\d\d-\d\d\)$/);
      expect(modern.requests()).toEqual([]);
    } finally {
      await modern.close();
    }
  }, 120_000);
});

describe('mcpkey doctor and the keychain', () => {
  let dir: string;
  let keyring: PrivateKeyring | undefined;
  afterEach(async () => {
    await keyring?.close();
    keyring = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('a locked keyring with nothing of mcpkey in it is found (reading alone would not tell), with how to unlock it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-doctor-'));
    keyring = await startPrivateKeyring(dir);
    await keyring.lock();
    const { result, checks } = await doctor(await pathWith(['mcpkey']), { DBUS_SESSION_BUS_ADDRESS: keyring.address });
    expect(result.code).toBe(4);
    expect(check(checks, 'keychain')).toMatchObject({ status: 'fail', message: 'the OS keychain is locked', hint: expect.stringMatching(/^no unlock prompt can be shown here .*gnome-keyring-daemon --replace --unlock/) });
  }, 120_000);

  it('no D-Bus session: the keychain check fails with what to start, the rest still runs', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-doctor-'));
    const { result, checks } = await doctor(await pathWith(['mcpkey']), { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus-here')}` });
    expect(result.code).toBe(4);
    expect(check(checks, 'keychain')).toMatchObject({ status: 'fail', message: 'the OS keychain is unavailable (no Secret Service on the D-Bus session bus)', hint: expect.stringMatching(/^there is no D-Bus session here/) });
    expect(check(checks, 'mcpkey-on-path')!.status).toBe('ok');
  }, 60_000);
});
