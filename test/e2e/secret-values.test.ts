import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, expectOneLine, requireSecretService, ROOT, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const KiB = 1024;
const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');

const sandbox = useSandbox();

describe('secret set refuses what could not be used as it is', () => {
  it('takes exactly 64 KiB, and refuses one byte more, from a pipe and from the argument', async () => {
    const limit = 'k'.repeat(64 * KiB);
    expect((await sandbox.run(['secret', 'set', 'big.key'], { input: limit })).code).toBe(0);
    expect((await sandbox.run(['secret', 'get', 'big.key'])).stdout).toBe(`${limit}\n`);

    expectOneLine(await sandbox.run(['secret', 'set', 'big.key'], { input: `${limit}x` }), 2, /refusing to store the value for big\.key: it is 65 KiB, over the limit of 64 KiB/);
    expectOneLine(await sandbox.run(['secret', 'set', `big.key=${limit}x`]), 2, /refusing to store the value for big\.key: it is 65 KiB, over the limit of 64 KiB/);
    // A pipe that never ends is not read to its end.
    expectOneLine(await sandbox.run(['secret', 'set', 'big.key'], { input: Buffer.alloc(8 * 1024 * KiB, 0x61) }), 2, /over the limit of 64 KiB/);
    expect(await sandbox.keychainValue('big.key')).toBe(limit);
  });

  it('refuses bytes that are not UTF-8, a NUL byte, and U+FFFD (the mark of bytes lost on the way)', async () => {
    expectOneLine(await sandbox.run(['secret', 'set', 'bin.key'], { input: Buffer.from([0x61, 0xff, 0xfe, 0x62]) }), 2, /refusing to store the value for bin\.key: it is not valid UTF-8/);
    expectOneLine(await sandbox.run(['secret', 'set', 'bin.key'], { input: Buffer.from('a\0b') }), 2, /it contains a NUL byte/);
    expectOneLine(await sandbox.run(['secret', 'set', 'bin.key=a\uFFFDb']), 2, /it is not valid UTF-8/);
    expect(await sandbox.keychainValue('bin.key')).toBeUndefined();
    // Text in any script is stored exactly, a leading BOM and CRLF inside included.
    const text = '\uFEFFпароль\r\n密码 🔑';
    expect((await sandbox.run(['secret', 'set', 'bin.key'], { input: text })).code).toBe(0);
    expect((await sandbox.run(['secret', 'get', 'bin.key'])).stdout).toBe(`${text}\n`);
  });

  it('a UTF-16 file (PowerShell, Notepad) is stored as its text; whitespace at either end is stored but warned about', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('napi_ключ\r\n', 'utf16le')]);
    const set = await sandbox.run(['secret', 'set', 'neon.api_key'], { input: utf16 });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toBe('');
    expect(await sandbox.keychainValue('neon.api_key')).toBe('napi_ключ');
    const spaced = await sandbox.run(['secret', 'set', 'neon.api_key'], { input: ' napi_x\n' });
    expect(spaced.code).toBe(0);
    expect(spaced.stderr).toBe('warning: the value stored for neon.api_key starts with whitespace; if that was not meant, set it again without it\n');
    expect(await sandbox.keychainValue('neon.api_key')).toBe(' napi_x');
  });

  it('a .env.mcp value that is not UTF-8 is reported and not used, instead of reaching a server changed', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), Buffer.concat([Buffer.from('BRAVE_API_KEY=fine\nNEON_API_KEY=ab'), Buffer.from([0xff]), Buffer.from('cd\n')]));
    const neon = await sandbox.run(['secret', 'get', 'neon.api_key']);
    expect(neon.code).toBe(3);
    expect(neon.stdout).toBe('');
    expect(neon.stderr).toMatch(/warning: .*\.env\.mcp:2 is not valid UTF-8; any value on it is not used/);
    expect((await sandbox.run(['secret', 'get', 'brave.api_key'])).stdout).toBe('fine\n');
  });

  it('an environment variable that is not UTF-8 is named in a warning (Node has already replaced its bytes)', async () => {
    // Real bytes 0xff in the variable, put there by a shell: Node decodes the environment as UTF-8.
    const script = `NEON_API_KEY=$'ab\\xffcd' exec "${process.execPath}" "${BIN}" secret get neon.api_key`;
    const result = spawnSync('bash', ['-c', script], { cwd: sandbox.cwd, env: sandbox.baseEnv(), encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^warning: the environment variable NEON_API_KEY \(for neon\.api_key\) would not reach a server unchanged: it is not valid UTF-8/);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/ab.cd/);
  });
});

describe('run names a value the system refuses, with exit 126', () => {
  it('one secret over the system limit for a variable (E2BIG), for run and for tools', async () => {
    expect((await sandbox.run(['server', 'add', 'acme', '--secret', 'token', '--', process.execPath, ENV_SERVER])).code).toBe(0);
    // Around `secret set`: from the environment file.
    await writeFile(join(sandbox.cwd, '.env.mcp'), `acme.token=${'t'.repeat(200 * KiB)}\n`);
    expectOneLine(await sandbox.run(['run', 'acme']), 126, /cannot start .*: the secret acme\.token \(ACME_TOKEN\) is 201 KiB, over the system's limit of 128 KiB for one variable \(E2BIG\) — secrets may be at most 64 KiB/);
    expectOneLine(await sandbox.run(['tools', 'list', 'acme']), 9, /the secret acme\.token \(ACME_TOKEN\) is 201 KiB/);
  });

  it('many secrets that together pass the system limit', async () => {
    const keys = Array.from({ length: 48 }, (_, i) => `k${i}`);
    expect((await sandbox.run(['server', 'add', 'many', ...keys.flatMap((key) => ['--secret', key]), '--', process.execPath, ENV_SERVER])).code).toBe(0);
    await writeFile(join(sandbox.cwd, '.env.mcp'), keys.map((key) => `MANY_${key.toUpperCase()}=${'v'.repeat(60 * KiB)}\n`).join(''));
    expectOneLine(await sandbox.run(['run', 'many']), 126, /cannot start .*: its command line and environment together are too large for the system \(E2BIG\)/);
  });
});
