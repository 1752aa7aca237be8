import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStallProxy, type StallProxy } from '../fixtures/dbus-stall-proxy.js';
import { BIN, requireSecretService, useOwnKeyring, useSandbox } from './helpers.js';
import { useGatedPeers } from './gated-peers.js';
import { addAndAuthorize, expireGrant } from './grant-helpers.js';
import { storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

/**
 * Once the authorization server has rotated the refresh token, the new one exists only in the mcpkey
 * process until the keychain has it. Here the Secret Service (a real gnome-keyring, behind a proxy
 * that delays its replies) becomes slow exactly when a refresh starts, longer than the keychain
 * library waits for a reply; and the process is told to stop in the middle. Afterwards the grant
 * must still work: oidc-provider revokes the whole grant when a rotated-out refresh token comes back.
 */
const SLOW_FOR_MS = 15_000;

const peers = useGatedPeers({ accessTokenTtl: 3600 });
const sandbox = useSandbox();
let dir: string;
let proxy: StallProxy;

const keyring = useOwnKeyring('crash-window');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpkey-crash-window-'));
  proxy = await startStallProxy({ dir, upstream: keyring.get().address });
});

afterEach(async () => {
  peers.as().gate = undefined;
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
});

/** When the refresh reaches the authorization server, the keychain turns slow; `then` runs once the new tokens are sent. */
function slowKeychainWhenRefreshing(then?: () => void): { recovered: Promise<void> } {
  let recover: () => void = () => undefined;
  const recovered = new Promise<void>((resolve) => (recover = resolve));
  peers.as().gate = (_req, res) => {
    peers.as().gate = undefined;
    proxy.slow(3_000);
    setTimeout(() => {
      proxy.resume();
      recover();
    }, SLOW_FOR_MS);
    res.on('finish', () => then?.());
  };
  return { recovered };
}

/** The grant is usable: a forced refresh with the stored refresh token succeeds at the authorization server. */
async function expectUsable(previousRefreshToken: string): Promise<void> {
  const stored = (await storedGrant(sandbox, 'demo'))!;
  expect(stored.refreshToken).toBeTruthy();
  expect(stored.refreshToken).not.toBe(previousRefreshToken);
  expect((await peers.as().introspect(stored.refreshToken!)).active).toBe(true);
  await expireGrant(sandbox, 'demo');
  const before = peers.as().stats().refreshGrants;
  const again = await sandbox.run(['oauth', 'token', 'demo'], { timeoutMs: 120_000 });
  expect(again.code, again.stderr).toBe(0);
  expect(peers.as().stats().refreshGrants).toBe(before + 1);
  expect(again.stdout).toBe(`${(await storedGrant(sandbox, 'demo'))!.accessToken}\n`);
}

describe('the rotated grant survives the crash window', () => {
  it('a keychain that stops answering while the new grant is stored: mcpkey keeps trying, and succeeds', async () => {
    await addAndAuthorize(sandbox, 'demo', peers.mcp().url);
    await expireGrant(sandbox, 'demo');
    const old = (await storedGrant(sandbox, 'demo'))!;
    const { recovered } = slowKeychainWhenRefreshing();
    const started = Date.now();
    const result = await sandbox.run(['oauth', 'token', 'demo'], { env: { DBUS_SESSION_BUS_ADDRESS: proxy.address }, timeoutMs: 180_000 });
    await recovered;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(proxy.stats.heldChunks).toBeGreaterThan(0);
    // It did wait for the keychain to recover, rather than give up when the library timed out.
    expect(Date.now() - started).toBeGreaterThan(SLOW_FOR_MS - 1_000);
    expect(result.stdout).toBe(`${(await storedGrant(sandbox, 'demo'))!.accessToken}\n`);
    await expectUsable(old.refreshToken!);
  }, 300_000);

  it('SIGTERM while the new grant is not yet stored: mcpkey stores it first, then stops', async () => {
    await addAndAuthorize(sandbox, 'demo', peers.mcp().url);
    await expireGrant(sandbox, 'demo');
    const old = (await storedGrant(sandbox, 'demo'))!;
    const env: NodeJS.ProcessEnv = { ...sandbox.baseEnv(), DBUS_SESSION_BUS_ADDRESS: proxy.address };
    const child = spawn(process.execPath, [BIN, 'oauth', 'token', 'demo'], { cwd: sandbox.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    let signalledAt = 0;
    // The tokens are on their way back; the keychain is slow: stop the process now.
    slowKeychainWhenRefreshing(() =>
      setTimeout(() => {
        signalledAt = Date.now();
        child.kill('SIGTERM');
      }, 500),
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    const end = await exited.finally(() => clearTimeout(killer));
    expect(signalledAt, stderr).toBeGreaterThan(0);
    // It stopped because of the signal, but only once the grant was safe (the keychain was slow for 15 s).
    expect(end.signal, stderr).toBe('SIGTERM');
    expect(end.at - signalledAt).toBeGreaterThan(5_000);
    expect(stdout).toBe('');
    await expectUsable(old.refreshToken!);
  }, 300_000);
});
