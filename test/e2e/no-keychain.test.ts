import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSandbox } from './helpers.js';

/** No session bus at all, as on a CI runner or a server: the keychain is simply not there. */
const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: join('/nonexistent', 'runtime') };

const sandbox = useSandbox();

const enabled = async () => JSON.parse((await sandbox.run(['server', 'list', '--enabled', '--json'], { env: NO_DBUS })).stdout).servers.map((s: { name: string }) => s.name);

describe('without a keychain: what was done, what could not be, and one exit code for it', () => {
  it('server disable of an OAuth server disables it, then says its grant could not be removed (exit 5)', async () => {
    expect((await sandbox.run(['server', 'enable', 'linear'], { env: NO_DBUS })).code).toBe(0);
    expect(await enabled()).toEqual(['linear']);
    const result = await sandbox.run(['server', 'disable', 'linear'], { env: NO_DBUS });
    expect(result.code).toBe(5);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^mcpkey: linear is disabled, but its OAuth grant could not be removed from the keychain: the OS keychain is unavailable \(no Secret Service on the D-Bus session bus\) — .*run `mcpkey server disable linear` again to finish$/,
    );
    expect(await enabled()).toEqual([]);
  });

  it('server disable of a local server needs no keychain (exit 0); with --purge it says which secrets stay (exit 5)', async () => {
    expect((await sandbox.run(['server', 'enable', 'memory'], { env: NO_DBUS })).code).toBe(0);
    expect(await sandbox.run(['server', 'disable', 'memory'], { env: NO_DBUS })).toMatchObject({ code: 0, stderr: '' });
    const purge = await sandbox.run(['server', 'disable', 'neon', '--purge'], { env: NO_DBUS });
    expect(purge.code).toBe(5);
    expect(purge.stderr).toMatch(/^mcpkey: neon was not enabled, but neon\.api_key could not be removed from the keychain: the OS keychain is unavailable .*`mcpkey server disable neon --purge` again to finish\n$/);
  });

  it('oauth ls lists the OAuth servers with status unknown and a warning (exit 0), like the other listings', async () => {
    const json = await sandbox.run(['oauth', 'ls', '--json'], { env: NO_DBUS });
    expect(json.code, json.stderr).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(data.servers.length).toBeGreaterThan(5);
    expect(data.servers.find((s: { name: string }) => s.name === 'linear')).toEqual({ name: 'linear', status: 'unknown', grant: 'authorization-code', scopes: [] });
    expect(data.warnings).toEqual([expect.stringMatching(/^the OS keychain is unavailable \(no Secret Service on the D-Bus session bus\); the grants could not be read/)]);
    const table = await sandbox.run(['oauth', 'ls'], { env: NO_DBUS });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/linear\s+unknown/);
    expect(table.stderr).toMatch(/^warning: the OS keychain is unavailable/);
  });
});
