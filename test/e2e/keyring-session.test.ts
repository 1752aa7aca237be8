import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, runProcess } from './helpers.js';

/**
 * scripts/keyring-session.sh, which every test run, the conformance run and the bench stand on: a
 * private bus that starts nothing by itself, and a keyring that comes back, unlocked and with its
 * secrets, when it stops mid-run (once a suite's keyring vanished and a D-Bus-activated, locked one
 * failed every later keychain test).
 */
const SCRIPT = join(ROOT, 'scripts/keyring-session.sh');

// Run inside the session: store a secret with mcpkey, kill the keyring outright, wait until the
// Secret Service has an owner again, read the secret back, then exit 7 (passed through).
const INSIDE = `
set -eu
owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | grep -o 'uint32 [0-9]*' | cut -d' ' -f2
}
echo "bus: $DBUS_SESSION_BUS_ADDRESS"
echo "password: \${KEYRING_SESSION_PASSWORD:-none}"
dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListActivatableNames | grep -c string || true
printf %s session-canary-value | node "$MCPKEY_BIN" secret set neon.api_key
first=$(owner)
kill -9 "$first"
for _ in $(seq 100); do second=$(owner); [ -n "$second" ] && [ "$second" != "$first" ] && break; sleep 0.2; done
echo "restarted: $([ "$second" != "$first" ] && echo yes)"
node "$MCPKEY_BIN" secret get neon.api_key
exit 7
`;

describe('scripts/keyring-session.sh', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-keyring-session-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the command its own bus that activates nothing, restarts a keyring killed mid-run with its secrets, and passes the exit status on', async () => {
    const env = {
      PATH: process.env.PATH,
      MCPKEY_BIN: BIN,
      MCPKEY_HOME: join(dir, 'mcpkey'),
      MCPKEY_KEYCHAIN_SERVICE: 'mcpkey-keyring-session-test',
      DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
    };
    const result = await runProcess('bash', [SCRIPT, join(dir, 'home'), 'session-password', '--', 'bash', '-c', INSIDE], { env, timeoutMs: 90_000 });
    expect(result.code, result.stderr).toBe(7);
    const lines = result.stdout.trim().split('\n');
    // Not the suite's bus, and the password is not in the command's environment.
    expect(lines[0]).toMatch(/^bus: unix:/);
    expect(lines[0]).not.toBe(`bus: ${process.env.DBUS_SESSION_BUS_ADDRESS}`);
    expect(lines[1]).toBe('password: none');
    // Only the bus itself is activatable: nothing can start a second, locked keyring.
    expect(lines[2]).toBe('1');
    expect(lines.slice(3)).toEqual(['restarted: yes', 'session-canary-value']);
    expect(result.stderr).toMatch(/^keyring-session: gnome-keyring stopped mid-run \(exit status 137\b.*starting it again$/m);
    expect(result.stderr).not.toContain('session-password');
  }, 120_000);

  it('refuses a call without a command (exit 2)', async () => {
    const result = await runProcess('bash', [SCRIPT, dir, 'pw'], { env: { PATH: process.env.PATH } });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr.trim()).toBe('usage: keyring-session.sh DIR PASSWORD -- COMMAND [ARG...]');
  });
});
