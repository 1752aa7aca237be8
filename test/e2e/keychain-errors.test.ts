import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStallProxy } from '../fixtures/dbus-stall-proxy.js';
import { startPrivateKeyring, type PrivateKeyring } from '../fixtures/private-keyring.js';
import { requireSecretService, runProcess, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

/** Each keychain failure is reported as what it is: the user has something different to do for each. */
const sandbox = useSandbox();
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpkey-keychain-errors-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const oneLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

describe('keychain failures, told apart', () => {
  let keyring: PrivateKeyring | undefined;
  afterEach(async () => {
    await keyring?.close();
    keyring = undefined;
  });

  it('a locked keyring says it is locked and how to unlock it (exit 5), for reads and writes alike', async () => {
    keyring = await startPrivateKeyring(dir);
    const env = { DBUS_SESSION_BUS_ADDRESS: keyring.address };
    const set = await sandbox.run(['secret', 'set', 'neon.api_key'], { env, input: 'locked-canary-value' });
    expect(set.code, set.stderr).toBe(0);
    await keyring.lock();
    for (const args of [['secret', 'get', 'neon.api_key'], ['secret', 'set', 'neon.api_key'], ['secret', 'delete', 'neon.api_key']]) {
      const result = await sandbox.run(args, { env, input: 'another-canary-value' });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(5);
      const line = oneLine(result.stderr);
      // No display in the sandbox: the hint is the command to type, not a prompt to answer.
      expect(line).toMatch(/^mcpkey: the OS keychain is locked — no unlock prompt can be shown here \(no desktop display\): .*gnome-keyring-daemon --replace --unlock/);
      expect(line).not.toMatch(/no Secret Service|canary/);
    }
    const json = await sandbox.run(['secret', 'list', '--json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).warnings).toEqual([expect.stringMatching(/^the OS keychain is locked; /)]);
  }, 120_000);

  it('a keyring left locked after a restart (SSH into a machine nobody logged in to) says so, and the command it offers unlocks it', async () => {
    keyring = await startPrivateKeyring(dir);
    const env = { DBUS_SESSION_BUS_ADDRESS: keyring.address };
    expect((await sandbox.run(['secret', 'set', 'neon.api_key'], { env, input: 'restart-canary-value' })).code).toBe(0);
    await keyring.restartLocked();
    const result = await sandbox.run(['secret', 'get', 'neon.api_key'], { env });
    expect(result.code, result.stderr).toBe(5);
    const line = oneLine(result.stderr);
    expect(line).toMatch(/^mcpkey: the OS keychain is locked — no unlock prompt can be shown here \(no desktop display\): unlock the login keyring at the desktop \(Passwords and Keys\), or here run `[^`]+`/);
    expect(line).not.toMatch(/no Secret Service|start a Secret Service|canary/);
    // The command in the hint, run as given, with the password typed: mcpkey reads the value afterwards.
    const command = /run `([^`]+)`/.exec(line)![1]!;
    const unlocked = await runProcess('bash', ['-c', command], { env: keyring.env, input: `${keyring.password}\n` });
    expect(unlocked.code, unlocked.stderr).toBe(0);
    try {
      expect(await sandbox.run(['secret', 'get', 'neon.api_key'], { env })).toMatchObject({ code: 0, stdout: 'restart-canary-value\n' });
    } finally {
      // The replacing daemon forked away from the command: stop it by the process that owns the Secret Service's name.
      const owner = await runProcess('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets'], { env: keyring.env });
      const pid = Number(/uint32 (\d+)/.exec(owner.stdout)?.[1]);
      if (pid > 1) process.kill(pid, 'SIGTERM');
    }
  }, 120_000);

  it('a Secret Service that does not answer is asked again, then reported as not answering (exit 5), not as missing', async () => {
    // Its own keyring behind the proxy: a stalled client must not leave the suite's shared keyring in a state other tests see.
    keyring = await startPrivateKeyring(dir);
    await mkdir(join(dir, 'proxy'));
    const proxy = await startStallProxy({ dir: join(dir, 'proxy'), upstream: keyring.address });
    // Every reply 3 s late: longer than the keychain library waits for one (2 s), for good.
    proxy.slow(3_000);
    try {
      const started = Date.now();
      const result = await sandbox.run(['secret', 'get', 'neon.api_key'], { env: { DBUS_SESSION_BUS_ADDRESS: proxy.address }, timeoutMs: 120_000 });
      expect(result.code, result.stderr).toBe(5);
      expect(oneLine(result.stderr)).toMatch(/^mcpkey: the OS keychain did not answer in time \(asked [2-9] times over \d\d s\) — the Secret Service \(e\.g\. gnome-keyring\) is overloaded or stuck/);
      expect(Date.now() - started).toBeGreaterThan(29_000);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('no Secret Service on the bus at all is reported as missing', async () => {
    const result = await sandbox.run(['secret', 'get', 'neon.api_key'], { env: { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus-here')}` } });
    expect(result.code).toBe(5);
    expect(oneLine(result.stderr)).toMatch(/^mcpkey: the OS keychain is unavailable \(no Secret Service on the D-Bus session bus\) — there is no D-Bus session here .*dbus-run-session -- bash.*\.env\.mcp file$/);
  });
});
