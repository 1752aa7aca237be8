import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, useSandbox } from './helpers.js';

/** No session bus at all, as on a CI runner or a server: the keychain is simply not there. */
const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: join('/nonexistent', 'runtime') };

const sandbox = useSandbox();

describe('without D-Bus', () => {
  it('reads secrets from the environment and .env.mcp', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'brave.api_key=from-file\n');
    const fromEnv = await sandbox.run(['secret', 'get', 'neon.api_key'], { env: { ...NO_DBUS, NEON_API_KEY: 'from-env' } });
    expect(fromEnv).toMatchObject({ code: 0, stdout: 'from-env\n', stderr: '' });
    const fromFile = await sandbox.run(['secret', 'get', 'brave.api_key'], { env: NO_DBUS });
    expect(fromFile).toMatchObject({ code: 0, stdout: 'from-file\n' });
  });

  it('lists env and .env.mcp secrets with a warning, and server list still works', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'BRAVE_API_KEY=from-file\n');
    const list = await sandbox.run(['secret', 'list', '--json'], { env: { ...NO_DBUS, NEON_API_KEY: 'x' } });
    expect(list.code).toBe(0);
    const data = JSON.parse(list.stdout);
    expect(data.secrets.map((s: { name: string; source: string }) => `${s.name}:${s.source}`)).toEqual(['brave.api_key:.env.mcp', 'neon.api_key:env']);
    expect(data.warnings[0]).toMatch(/keychain is unavailable/);
    const servers = await sandbox.run(['server', 'list', '--json'], { env: { ...NO_DBUS, NEON_API_KEY: 'x' } });
    expect(servers.code).toBe(0);
    expect(JSON.parse(servers.stdout).servers.find((s: { name: string }) => s.name === 'brave')).toMatchObject({ ready: true });
  });

  it('secret set fails with exit 5 and a message pointing to env and .env.mcp, writing nothing anywhere', async () => {
    const result = await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'canary-no-dbus-value', env: NO_DBUS });
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mcpkey: the OS keychain is unavailable \(no Secret Service on the D-Bus session bus\) — .*environment variable or a \.env\.mcp file$/);
    const written = await filesUnder(sandbox.dir);
    expect(written).toEqual([]);
  });

  it('secret get of a secret found nowhere exits 5, not 3: the keychain could not be asked', async () => {
    const result = await sandbox.run(['secret', 'get', 'neon.api_key'], { env: NO_DBUS });
    expect(result.code).toBe(5);
  });

  it('secret delete exits 5', async () => {
    expect((await sandbox.run(['secret', 'delete', 'neon.api_key'], { env: NO_DBUS })).code).toBe(5);
  });
});
