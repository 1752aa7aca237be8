import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAccounts, listEntries } from '../../src/core/secrets/dbus/listing.js';
import { createOsKeychain } from '../../src/core/secrets/keychain.js';
import { startStallProxy } from '../fixtures/dbus-stall-proxy.js';
import { startPrivateKeyring, type PrivateKeyring } from '../fixtures/private-keyring.js';
import { requireSecretService, runProcess, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

/**
 * Listings (`secret list`, `server list`, `oauth ls`, completion) read the Secret Service directly
 * (src/core/secrets/dbus/): the answer must be exactly the keychain library's, and anything the
 * direct client does not handle must leave the library's behaviour and messages as they were.
 */
const sandbox = useSandbox();
const keyring = createRequire(import.meta.url)('@napi-rs/keyring') as typeof import('@napi-rs/keyring');
const library = async (service: string) => (await keyring.findCredentialsAsync(service)).map(({ account, password }) => ({ account, value: password }));

async function secretTool(args: string[], input: string | Buffer = '', env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const result = await runProcess('secret-tool', args, { env, input });
  if (result.code !== 0) throw new Error(`secret-tool ${args[0]} failed: ${result.stderr}`);
}

describe('the direct keychain listing', () => {
  it('is the library’s listing: same accounts, values and order; other services and items without an account left out', async () => {
    for (const [name, value] of [
      ['neon.api_key', 'neon-listing-value'],
      ['atlassian.jira.api_token', 'value with spaces and = signs'],
      ['a-b_c.x.y-z', 'line one\nline two'],
    ]) {
      expect((await sandbox.run(['secret', 'set', name!], { input: value })).code).toBe(0);
    }
    expect((await sandbox.run(['secret', 'set', 'brave.api_key', '--ref', 'op://Dev/Brave/credential'])).code).toBe(0);
    // Written by other programs: an account and a value in Unicode, an item of another service, an item without an account.
    await sandbox.storeKeychainValue('ünï.cödé', 'välüe ✓ 🔑');
    await sandbox.storeKeychainValue('oauth:grant:x', '{"not":"a secret name"}');
    await secretTool(['store', '--label', 'other service', 'service', `${sandbox.service}-other`, 'username', 'other.api_key'], 'other-value');
    await secretTool(['store', '--label', 'no account', 'service', sandbox.service, 'kind', 'note'], 'note-value');

    const expected = await library(sandbox.service);
    expect(expected.map((entry) => entry.account).sort()).toEqual(['a-b_c.x.y-z', 'atlassian.jira.api_token', 'brave.api_key', 'neon.api_key', 'oauth:grant:x', 'ünï.cödé']);
    expect(await listEntries(sandbox.service)).toEqual(expected);
    expect(await listAccounts(sandbox.service)).toEqual(expected.map((entry) => entry.account));
    const store = createOsKeychain(sandbox.service);
    expect(await store.entries()).toEqual(expected);
    expect(await store.accounts()).toEqual(expected.map((entry) => entry.account));
    // A service with nothing in it.
    expect(await listEntries(`${sandbox.service}-empty`)).toEqual([]);
    await secretTool(['clear', 'service', `${sandbox.service}-other`]);

    const list = await sandbox.run(['secret', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const secrets = JSON.parse(list.stdout).secrets as Array<{ name: string; source: string; store?: string }>;
    expect(secrets.map((secret) => secret.name)).toEqual(['a-b_c.x.y-z', 'atlassian.jira.api_token', 'brave.api_key', 'neon.api_key']);
    // Reading a reference kept in the keychain needs its value: the listing has it.
    expect(secrets.find((secret) => secret.name === 'brave.api_key')).toMatchObject({ source: 'keychain', store: 'op' });
    const completion = await sandbox.run(['__complete', '--', 'secret', 'get', '']);
    expect(completion.stdout).toMatch(/^a-b_c\.x\.y-z\tin the keychain$/m);
    expect(completion.stdout).not.toMatch(/ünï|oauth:|other\.api_key/);
  });

  it('steps aside for a value that is not UTF-8: the listing is then the library’s own', async () => {
    await secretTool(['store', '--label', 'bytes', 'service', sandbox.service, 'username', 'raw.bytes'], Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    expect((await sandbox.run(['secret', 'set', 'neon.api_key'], { input: 'plain' })).code).toBe(0);
    expect(await listEntries(sandbox.service)).toBeUndefined();
    // Names need no value: they are listed directly.
    expect((await listAccounts(sandbox.service))?.sort()).toEqual(['neon.api_key', 'raw.bytes']);
    expect(await createOsKeychain(sandbox.service).entries()).toEqual(await library(sandbox.service));
  });

  it('gives up on a bus it cannot use, quickly, without an error of its own', async () => {
    for (const address of ['unix:path=/nonexistent/bus', 'tcp:host=127.0.0.1,port=9', 'autolaunch:', '']) {
      expect(await listAccounts(sandbox.service, { address })).toBeUndefined();
      expect(await listEntries(sandbox.service, { address })).toBeUndefined();
    }
  });

  it('dozens of `secret list` at once all list the same', async () => {
    for (let index = 0; index < 12; index += 1) await sandbox.storeKeychainValue(`many.key_${index}`, `value-${index}`);
    const runs = await Promise.all(Array.from({ length: 30 }, () => sandbox.run(['secret', 'list', '--json'], { timeoutMs: 110_000 })));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(new Set(runs.map((run) => run.stdout)).size).toBe(1);
    expect(JSON.parse(runs[0]!.stdout).secrets).toHaveLength(12);
  }, 120_000);
});

describe('the direct keychain listing on a keyring of its own', () => {
  let dir: string;
  let own: PrivateKeyring | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-listing-'));
  });
  afterEach(async () => {
    await own?.close();
    own = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('a locked keyring is left to the library: secret list and completion say what they always said', async () => {
    own = await startPrivateKeyring(dir);
    const env = { DBUS_SESSION_BUS_ADDRESS: own.address };
    expect((await sandbox.run(['secret', 'set', 'neon.api_key'], { env, input: 'locked-listing-value' })).code).toBe(0);
    expect(await listAccounts(sandbox.service, { address: own.address })).toEqual(['neon.api_key']);
    await own.lock();
    expect(await listAccounts(sandbox.service, { address: own.address })).toBeUndefined();
    expect(await listEntries(sandbox.service, { address: own.address })).toBeUndefined();
    const list = await sandbox.run(['secret', 'list', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({ secrets: [], warnings: [expect.stringMatching(/^the OS keychain is locked; showing env and \.env\.mcp only$/)] });
    const completion = await sandbox.run(['__complete', '--', 'secret', 'get', ''], { env });
    expect(completion.code).toBe(0);
    expect(completion.stdout).not.toMatch(/in the keychain/);
    expect(completion.stdout).toMatch(/^neon\.api_key\t/m);
  }, 120_000);

  it('a Secret Service that stops answering, or answers too slowly: the listing gives up after its idle time or its time limit', async () => {
    own = await startPrivateKeyring(dir);
    await mkdir(join(dir, 'proxy'));
    const proxy = await startStallProxy({ dir: join(dir, 'proxy'), upstream: own.address });
    try {
      expect(await listAccounts(sandbox.service, { address: proxy.address, idleMs: 500 })).toEqual([]);
      proxy.stall();
      const started = Date.now();
      expect(await listAccounts(sandbox.service, { address: proxy.address, idleMs: 500 })).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(10_000);
      proxy.resume();
      // Slow, but answering: the whole listing waits as long as it is told to, no longer.
      proxy.slow(1_500);
      expect(await listAccounts(sandbox.service, { address: proxy.address, idleMs: 5_000, timeoutMs: 600 })).toBeUndefined();
      expect(await listAccounts(sandbox.service, { address: proxy.address, idleMs: 5_000 })).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
