import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, runInTerminal, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();

describe('secret set', () => {
  it('stores a piped value in the Secret Service, stripping exactly one trailing newline', async () => {
    const result = await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'napi_abc\n' });
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(await sandbox.keychainValue('neon.api_key')).toBe('napi_abc');
  });

  it('keeps multi-line values, "=" and unicode intact, and get round-trips them', async () => {
    const value = 'line one=1\nline two: ünïcødé ✓\n';
    expect((await sandbox.run(['secret', 'set', 'acme.cert'], { input: `${value}\n` })).code).toBe(0);
    expect(await sandbox.keychainValue('acme.cert')).toBe(value);
    const get = await sandbox.run(['secret', 'get', 'acme.cert']);
    expect(get.code).toBe(0);
    expect(get.stdout).toBe(`${value}\n`);
  });

  it('takes NAME=VALUE from the argument, splitting at the first "="', async () => {
    const result = await sandbox.run(['secret', 'set', 'brave.api_key=abc=def']);
    expect(result.code).toBe(0);
    expect(await sandbox.keychainValue('brave.api_key')).toBe('abc=def');
  });

  it('replaces an existing value', async () => {
    await sandbox.run(['secret', 'set', 'brave.api_key'], { input: 'old' });
    await sandbox.run(['secret', 'set', 'brave.api_key'], { input: 'new' });
    expect(await sandbox.keychainValue('brave.api_key')).toBe('new');
    const list = JSON.parse((await sandbox.run(['secret', 'list', '--json'])).stdout);
    expect(list.secrets.filter((s: { name: string }) => s.name === 'brave.api_key')).toHaveLength(1);
  });

  it('asks with a hidden prompt on a terminal and never echoes the value', async () => {
    const result = await runInTerminal(sandbox, ['secret', 'set', 'github.personal_access_token'], [
      { prompt: 'Value for github.personal_access_token', answer: 'ghp_typed_at_prompt' },
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('ghp_typed_at_prompt');
    expect(result.stdout).toContain('Saved github.personal_access_token');
    expect(await sandbox.keychainValue('github.personal_access_token')).toBe('ghp_typed_at_prompt');
  });

  it('warns on a terminal that a value given as an argument lands in shell history', async () => {
    const result = await runInTerminal(sandbox, ['secret', 'set', 'brave.api_key=inline'], []);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/shell history/);
    expect(await sandbox.keychainValue('brave.api_key')).toBe('inline');
  });

  it('exits 130 when the prompt is cancelled with Ctrl-C, storing nothing', async () => {
    const result = await runInTerminal(sandbox, ['secret', 'set', 'brave.api_key'], [{ prompt: 'Value for brave.api_key', answer: '\u0003' }]);
    expect(result.code).toBe(130);
    expect(await sandbox.keychainValue('brave.api_key')).toBeUndefined();
  });
});

describe('secret get', () => {
  it('exits 3 with a next step when the secret is nowhere', async () => {
    const result = await sandbox.run(['secret', 'get', 'neon.api_key']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'mcpkey: secret neon.api_key is not set — set it with: mcpkey secret set neon.api_key',
    ]);
  });

  it('resolves env > .env.mcp > keychain, using the declared and the mechanical variable names', async () => {
    await sandbox.run(['secret', 'set', 'sentry.auth_token'], { input: 'from-keychain' });
    expect((await sandbox.run(['secret', 'get', 'sentry.auth_token'])).stdout).toBe('from-keychain\n');

    await writeFile(join(sandbox.cwd, '.env.mcp'), 'sentry.auth_token=from-file-dotted\n');
    expect((await sandbox.run(['secret', 'get', 'sentry.auth_token'])).stdout).toBe('from-file-dotted\n');

    // The mechanical name works as well as the declared one.
    const mechanical = await sandbox.run(['secret', 'get', 'sentry.auth_token'], { env: { SENTRY_AUTH_TOKEN: 'from-env-mechanical' } });
    expect(mechanical.stdout).toBe('from-env-mechanical\n');
    // The declared name (the variable the server reads) wins over the mechanical one.
    const declared = await sandbox.run(['secret', 'get', 'sentry.auth_token'], {
      env: { SENTRY_ACCESS_TOKEN: 'from-env-declared', SENTRY_AUTH_TOKEN: 'from-env-mechanical' },
    });
    expect(declared.stdout).toBe('from-env-declared\n');
  });

  it('reads .env.mcp keyed by env names too, and honours --env-file and MCPKEY_ENV_FILE', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'NEON_API_KEY="quoted # not a comment"\n');
    expect((await sandbox.run(['secret', 'get', 'neon.api_key'])).stdout).toBe('quoted # not a comment\n');
    await writeFile(join(sandbox.dir, 'other.env'), 'neon.api_key=from-other\n');
    expect((await sandbox.run(['--env-file', join(sandbox.dir, 'other.env'), 'secret', 'get', 'neon.api_key'])).stdout).toBe('from-other\n');
    expect((await sandbox.run(['secret', 'get', 'neon.api_key'], { env: { MCPKEY_ENV_FILE: '../other.env' } })).stdout).toBe('from-other\n');
    // (Through MCPKEY_ENV_FILE: Node 20 itself rejects a missing `--env-file` path before mcpkey starts.)
    const missing = await sandbox.run(['secret', 'get', 'neon.api_key'], { env: { MCPKEY_ENV_FILE: 'nope.env' } });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/env file .*nope\.env does not exist/);
  });
});

describe('secret list', () => {
  it('lists every source with the winner and the shadowed keychain values, never the values', async () => {
    await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'kc-neon-value' });
    await sandbox.run(['secret', 'set', 'brave.api_key'], { input: 'kc-brave-value' });
    await sandbox.run(['secret', 'set', 'custom.token'], { input: 'kc-custom-value' });
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'BRAVE_API_KEY=file-brave-value\nfile.only=file-only-value\nUNRELATED=x\n');
    const result = await sandbox.run(['secret', 'list', '--json'], { env: { GOOGLE_MAPS_API_KEY: 'env-maps-value', NEON_API_KEY: 'env-neon-value' } });
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data.warnings).toEqual([]);
    expect(data.secrets).toEqual([
      { name: 'brave.api_key', server: 'brave', key: 'api_key', source: '.env.mcp', sources: ['.env.mcp', 'keychain'], keychainShadowed: true },
      { name: 'custom.token', server: 'custom', key: 'token', source: 'keychain', sources: ['keychain'], keychainShadowed: false },
      { name: 'file.only', server: 'file', key: 'only', source: '.env.mcp', sources: ['.env.mcp'], keychainShadowed: false },
      { name: 'google-maps.api_key', server: 'google-maps', key: 'api_key', source: 'env', sources: ['env'], keychainShadowed: false },
      { name: 'neon.api_key', server: 'neon', key: 'api_key', source: 'env', sources: ['env', 'keychain'], keychainShadowed: true },
    ]);
    expect(result.stdout).not.toMatch(/value/);

    const filtered = JSON.parse((await sandbox.run(['secret', 'list', '--server', 'neon', '--json'])).stdout);
    expect(filtered.secrets.map((s: { name: string }) => s.name)).toEqual(['neon.api_key']);

    const table = await sandbox.run(['secret', 'ls']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+SERVER\s+SOURCE/);
    expect(table.stdout).toMatch(/brave\.api_key\s+brave\s+\.env\.mcp\s+overrides keychain value/);
  });
});

describe('secret delete', () => {
  it('deletes from the keychain; a second delete exits 3', async () => {
    await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'v' });
    const first = await sandbox.run(['secret', 'delete', 'neon.api_key']);
    expect(first.code).toBe(0);
    expect(await sandbox.keychainValue('neon.api_key')).toBeUndefined();
    const second = await sandbox.run(['secret', 'rm', 'neon.api_key']);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/not in the keychain/);
  });

  it('says when a value from env or .env.mcp still applies', async () => {
    await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'v' });
    const result = await sandbox.run(['secret', 'delete', 'neon.api_key'], { env: { NEON_API_KEY: 'still-here' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/neon\.api_key still resolves from the environment variable NEON_API_KEY/);
    expect(result.stderr).not.toContain('still-here');
  });
});
