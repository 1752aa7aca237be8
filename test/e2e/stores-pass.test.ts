/**
 * References to pass and gopass, resolved for real: a GPG key generated here, a password store
 * initialised for it, the Debian `pass` and `gopass` programs as installed (scripts/install-test-deps.sh).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPassStore, type PassStore } from '../fixtures/stores/gpg-store.js';
import { requireSecretService, ROOT, useSandbox } from './helpers.js';
import { expectSchema, secretCheck, secretList } from './json-schemas.js';
import { textOf, withLocalSession } from './local-clients.js';

beforeAll(requireSecretService);

const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');
const sandbox = useSandbox();
let store: PassStore;
let dir: string;

beforeAll(async () => {
  // Short: gpg-agent's socket lives under it.
  dir = await mkdtemp(join(tmpdir(), 'mk-pass-'));
  store = await createPassStore(dir);
  await store.insert('team/neon', 'neon-from-pass\nlogin: dev@example.com\n');
  await store.insert('team/acme', 'acme-token-from-pass\n');
  await store.insert('team/other', 'other-from-gopass\nurl: https://example.com\n');
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const withStore = (env: Record<string, string> = {}) => ({ env: { ...store.env, ...env } });

describe('pass:// and gopass:// references, resolved by the real programs', () => {
  it('secret set --ref keeps the reference in the keychain, marked; secret get resolves it (first line only)', async () => {
    const set = await sandbox.run(['secret', 'set', 'neon.api_key', '--ref', 'pass://team/neon'], withStore());
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toContain('check that it resolves with: mcpkey secret check neon.api_key');
    expect(await sandbox.keychainValue('neon.api_key')).toBe('mcpkey-reference:pass://team/neon');

    const get = await sandbox.run(['secret', 'get', 'neon.api_key'], withStore());
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toBe('neon-from-pass\n');

    const list = await sandbox.run(['secret', 'list', '--json'], withStore());
    expectSchema(JSON.parse(list.stdout), secretList);
    expect(JSON.parse(list.stdout).secrets).toEqual([
      expect.objectContaining({ name: 'neon.api_key', source: 'keychain', store: 'pass', reference: 'pass://team/neon' }),
    ]);
    const table = await sandbox.run(['secret', 'list'], withStore());
    expect(table.stdout).toMatch(/neon\.api_key\s+neon\s+pass\s+reference in keychain/);
  }, 120_000);

  it('.env.mcp references reach the server: `run` (the server env) and `tools call`, through pass and gopass', async () => {
    expect((await sandbox.run(['server', 'add', 'acme', '--secret', 'token', '--secret', 'other', '--', process.execPath, ENV_SERVER])).code).toBe(0);
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'ACME_TOKEN=pass://team/acme\nACME_OTHER=gopass://team/other\n');
    await withLocalSession(sandbox, '2025-11-25', 'acme', { env: store.env }, async (session) => {
      expect(textOf(await session.call('env', { name: 'ACME_TOKEN' }))).toBe('acme-token-from-pass');
      expect(textOf(await session.call('env', { name: 'ACME_OTHER' }))).toBe('other-from-gopass');
      const argv = textOf(await session.call('argv'));
      expect(argv).not.toContain('from-pass');
      expect(argv).not.toContain('from-gopass');
      expect(session.stderr()).not.toContain('from-');
    });
    const call = await sandbox.run(['tools', 'call', 'acme', 'env', '--arg', 'name=ACME_OTHER'], withStore());
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toContain('other-from-gopass');
    const get = await sandbox.run(['secret', 'get', 'acme.other'], withStore());
    expect(get.stdout).toBe('other-from-gopass\n');
    // A dry run names the source and resolves nothing.
    const plan = await sandbox.run(['run', 'acme', '--dry-run', '--json'], { env: { ...store.env, GNUPGHOME: join(dir, 'nokey') } });
    expect(plan.code, plan.stderr).toBe(0);
  }, 180_000);

  it('a missing or locked GPG key is "not signed in" (exit 4), a missing entry is "not found" (exit 3), for pass and gopass', async () => {
    const empty = join(dir, 'nokey');
    await mkdir(empty, { recursive: true, mode: 0o700 });
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'ACME_A=pass://team/neon\nACME_B=gopass://team/neon\nACME_C=pass://team/nope\nACME_D=gopass://team/nope\nacme.e=pass://team\n');
    const noKey = { env: { ...store.env, GNUPGHOME: empty } };
    for (const name of ['acme.a', 'acme.b']) {
      const result = await sandbox.run(['secret', 'get', name], noKey);
      expect(result.code, result.stderr).toBe(4);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/cannot resolve (go)?pass:\/\/team\/neon: the GPG key the (go)?pass store is encrypted to is not available or locked/);
    }
    for (const name of ['acme.c', 'acme.d', 'acme.e']) {
      const result = await sandbox.run(['secret', 'get', name], withStore());
      expect(result.code, `${name}: ${result.stderr}`).toBe(3);
    }
    // A key with a passphrase and nobody to type it (no terminal, no agent holding it): the same error.
    const locked = await createPassStore(join(dir, 'l'), { passphrase: 'correct horse' });
    try {
      await locked.insert('team/neon', 'locked-value\n');
      const lockedEnv = { env: { ...locked.env, MCPKEY_STORE_TIMEOUT: '60' } };
      // pass insert only encrypts (no passphrase needed); drop any agent state so that nothing is unlocked.
      await locked.close();
      for (const name of ['acme.a', 'acme.b']) {
        const result = await sandbox.run(['secret', 'get', name], lockedEnv);
        expect(result.code, result.stderr).toBe(4);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/not available or locked/);
      }
    } finally {
      await locked.close();
    }
    const check = await sandbox.run(['secret', 'check', 'acme.a', 'acme.b', 'acme.c', '--json'], noKey);
    expect(check.code).toBe(4);
    expectSchema(JSON.parse(check.stdout), secretCheck);
    const items = JSON.parse(check.stdout).secrets as Array<{ name: string; status: string; error?: { code: string } }>;
    expect(items.map((item) => [item.name, item.status, item.error?.code])).toEqual([
      ['acme.a', 'failed', 'store_not_signed_in'],
      ['acme.b', 'failed', 'store_not_signed_in'],
      ['acme.c', 'failed', 'store_item_not_found'],
    ]);
    await rm(empty, { recursive: true, force: true });
  }, 120_000);

  it('secret check: a table of OK and the error per secret, exit 0 only when all resolve', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'acme.good=pass://team/acme\nacme.bad=gopass://team/missing\nacme.plain=just-a-value\n');
    const failed = await sandbox.run(['secret', 'check'], withStore());
    expect(failed.code).toBe(3);
    expect(failed.stdout).toMatch(/acme\.bad\s+gopass\s+FAILED\s+cannot resolve gopass:\/\/team\/missing: no such entry in the gopass store/);
    expect(failed.stdout).toMatch(/acme\.good\s+pass\s+OK/);
    expect(failed.stdout).toMatch(/acme\.plain\s+\.env\.mcp\s+OK/);
    expect(failed.stdout).not.toContain('acme-token-from-pass');
    const good = await sandbox.run(['secret', 'check', 'acme.good', 'acme.plain'], withStore());
    expect(good.code, good.stdout).toBe(0);
  }, 120_000);

  it('refuses --ref of an unknown scheme or a malformed path; a value that looks like a reference stays a value', async () => {
    for (const ref of ['https://example.com/key', 'keepass://x', 'not a reference', 'pass://../etc', 'pass://-x']) {
      const result = await sandbox.run(['secret', 'set', 'neon.api_key', '--ref', ref]);
      expect(result.code, ref).toBe(2);
      expect(result.stderr, ref).toMatch(/is not a secret store mcpkey knows|is not a reference|is not a valid pass:\/\/ reference/);
    }
    expect((await sandbox.run(['secret', 'set', 'neon.api_key=op://Dev/Neon/credential', '--ref', 'pass://team/neon'])).code).toBe(2);
    const literal = await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'pass://team/neon' });
    expect(literal.code).toBe(0);
    expect(literal.stderr).toContain('looks like a secret store reference, and was stored as a literal value');
    expect((await sandbox.run(['secret', 'get', 'neon.api_key'], withStore())).stdout).toBe('pass://team/neon\n');
    expect((await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'mcpkey-reference:pass://team/neon' })).code).toBe(2);
    // In .env.mcp only known schemes are references: a URL of another scheme is a value.
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'NEON_API_KEY=https://example.com/not-a-store\n');
    expect((await sandbox.run(['secret', 'get', 'neon.api_key'])).stdout).toBe('https://example.com/not-a-store\n');
  }, 120_000);
});
