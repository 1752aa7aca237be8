import { describe, expect, it } from 'vitest';
import { mergeCatalog } from '../../src/core/catalog/index.js';
import type { CatalogEntry, ResolvedEntry } from '../../src/core/catalog/types.js';
import type { Env } from '../../src/core/config/paths.js';
import { ExitCode, KeychainUnavailableError } from '../../src/core/errors.js';
import type { EnvFile } from '../../src/core/secrets/env-file.js';
import type { KeychainStore } from '../../src/core/secrets/keychain.js';
import { envNamesFor, SecretResolver, SOURCES } from '../../src/core/secrets/resolve.js';
import { MemoryKeychain } from './memory-keychain.js';


/** A keychain whose every call fails the way the OS keychain does when there is no Secret Service. */
class UnavailableKeychain implements KeychainStore {
  readonly service = 'mcpkey-test';
  calls = 0;
  private fail(): never {
    this.calls += 1;
    throw new KeychainUnavailableError('no Secret Service on the D-Bus session bus');
  }
  async get(): Promise<string | undefined> {
    return this.fail();
  }
  async set(): Promise<void> {
    this.fail();
  }
  async delete(): Promise<boolean> {
    return this.fail();
  }
  async entries(): Promise<Array<{ account: string; value: string }>> {
    return this.fail();
  }
}

function envFile(values: Record<string, string>): EnvFile {
  return { path: '/tmp/.env.mcp', values: new Map(Object.entries(values)), warnings: [] };
}

const catalog: readonly ResolvedEntry[] = mergeCatalog({});

function resolver(options: { env?: Env; file?: Record<string, string>; keychain?: KeychainStore; catalog?: readonly ResolvedEntry[] } = {}) {
  return new SecretResolver({
    env: options.env ?? {},
    envFile: options.file ? envFile(options.file) : undefined,
    keychain: options.keychain ?? new MemoryKeychain(),
    catalog: options.catalog ?? catalog,
  });
}

describe('envNamesFor', () => {
  it('lists the declared env name first, then the mechanical one', () => {
    // The catalog declares SENTRY_ACCESS_TOKEN (what @sentry/mcp-server reads); the mechanical name is SENTRY_AUTH_TOKEN.
    expect(envNamesFor('sentry.auth_token', catalog)).toEqual(['SENTRY_ACCESS_TOKEN', 'SENTRY_AUTH_TOKEN']);
    expect(envNamesFor('notion.internal_integration_token', catalog)).toEqual(['NOTION_TOKEN', 'NOTION_INTERNAL_INTEGRATION_TOKEN']);
    expect(envNamesFor('tavily.api_token', catalog)).toEqual(['TAVILY_API_KEY', 'TAVILY_API_TOKEN']);
  });

  it('does not repeat a declared name equal to the mechanical one', () => {
    expect(envNamesFor('github.personal_access_token', catalog)).toEqual(['GITHUB_PERSONAL_ACCESS_TOKEN']);
    expect(envNamesFor('neon.api_key', catalog)).toEqual(['NEON_API_KEY']);
  });

  it('uses only the mechanical name for secrets not in the catalog', () => {
    expect(envNamesFor('acme.api_key', catalog)).toEqual(['ACME_API_KEY']);
    expect(envNamesFor('atlassian.jira.api_token', catalog)).toEqual(['ATLASSIAN_JIRA_API_TOKEN']);
  });

  it("follows a user entry's declared env name", () => {
    const user: CatalogEntry = {
      name: 'acme',
      title: 'Acme',
      description: 'test',
      transport: { type: 'stdio', command: 'acme', args: [] },
      secrets: [{ name: 'acme.api_key', env: 'ACME_TOKEN', description: 'key' }],
    };
    expect(envNamesFor('acme.api_key', mergeCatalog({ acme: user }))).toEqual(['ACME_TOKEN', 'ACME_API_KEY']);
  });
});

describe('SecretResolver.resolve order', () => {
  it('env declared > env mechanical > file dotted > file declared > file mechanical > keychain', async () => {
    const env: Record<string, string> = { SENTRY_ACCESS_TOKEN: 'env-declared', SENTRY_AUTH_TOKEN: 'env-mechanical' };
    const file: Record<string, string> = {
      'sentry.auth_token': 'file-dotted',
      SENTRY_ACCESS_TOKEN: 'file-declared',
      SENTRY_AUTH_TOKEN: 'file-mechanical',
    };
    const keychain = new MemoryKeychain({ 'sentry.auth_token': 'keychain' });
    const expected: Array<[string, string, string | undefined]> = [
      ['env-declared', 'env', 'SENTRY_ACCESS_TOKEN'],
      ['env-mechanical', 'env', 'SENTRY_AUTH_TOKEN'],
      ['file-dotted', '.env.mcp', 'sentry.auth_token'],
      ['file-declared', '.env.mcp', 'SENTRY_ACCESS_TOKEN'],
      ['file-mechanical', '.env.mcp', 'SENTRY_AUTH_TOKEN'],
      ['keychain', 'keychain', undefined],
    ];
    const removals: Array<() => void> = [
      () => delete env.SENTRY_ACCESS_TOKEN,
      () => delete env.SENTRY_AUTH_TOKEN,
      () => delete file['sentry.auth_token'],
      () => delete file.SENTRY_ACCESS_TOKEN,
      () => delete file.SENTRY_AUTH_TOKEN,
      () => keychain.store.clear(),
    ];
    for (const [index, [value, source, foundAs]] of expected.entries()) {
      const found = await resolver({ env: { ...env }, file: { ...file }, keychain }).resolve('sentry.auth_token');
      expect(found, `step ${index}`).toEqual({ name: 'sentry.auth_token', value, source, ...(foundAs ? { foundAs } : {}) });
      removals[index]!();
    }
    await expect(resolver({ env, file, keychain }).resolve('sentry.auth_token')).resolves.toBeUndefined();
  });

  it('documents the source order', () => {
    expect(SOURCES).toEqual(['env', '.env.mcp', 'project', 'keychain']);
  });

  it('resolves sentry.auth_token from SENTRY_ACCESS_TOKEN and from SENTRY_AUTH_TOKEN', async () => {
    await expect(resolver({ env: { SENTRY_ACCESS_TOKEN: 'a' } }).resolve('sentry.auth_token')).resolves.toMatchObject({
      value: 'a',
      source: 'env',
      foundAs: 'SENTRY_ACCESS_TOKEN',
    });
    await expect(resolver({ env: { SENTRY_AUTH_TOKEN: 'b' } }).resolve('sentry.auth_token')).resolves.toMatchObject({
      value: 'b',
      source: 'env',
      foundAs: 'SENTRY_AUTH_TOKEN',
    });
    await expect(resolver({ file: { SENTRY_ACCESS_TOKEN: 'c' } }).resolve('sentry.auth_token')).resolves.toMatchObject({
      value: 'c',
      source: '.env.mcp',
      foundAs: 'SENTRY_ACCESS_TOKEN',
    });
  });

  it('does not resolve a secret from an unrelated variable', async () => {
    const r = resolver({ env: { NEON_API_KEY: 'neon' }, file: { 'neon.api_key': 'neon-file' } });
    await expect(r.resolve('sentry.auth_token')).resolves.toBeUndefined();
    await expect(r.resolve('neon.other')).resolves.toBeUndefined();
  });

  it('ignores empty values in env and in the file', async () => {
    const keychain = new MemoryKeychain({ 'neon.api_key': 'from-keychain' });
    const r = resolver({ env: { NEON_API_KEY: '' }, file: { 'neon.api_key': '', NEON_API_KEY: '' }, keychain });
    await expect(r.resolve('neon.api_key')).resolves.toEqual({ name: 'neon.api_key', value: 'from-keychain', source: 'keychain' });
    const r2 = resolver({ env: { SENTRY_ACCESS_TOKEN: '', SENTRY_AUTH_TOKEN: 'second' } });
    await expect(r2.resolve('sentry.auth_token')).resolves.toMatchObject({ value: 'second', foundAs: 'SENTRY_AUTH_TOKEN' });
  });

  it('resolves from the keychain with no env file at all', async () => {
    const r = resolver({ keychain: new MemoryKeychain({ 'acme.key': 'k' }) });
    await expect(r.resolve('acme.key')).resolves.toEqual({ name: 'acme.key', value: 'k', source: 'keychain' });
  });

  it('asks the keychain only when needed: one read per secret, then one listing for a command that looks at many', async () => {
    const keychain = new MemoryKeychain({ 'a.x': '1', 'b.y': '2', 'd.w': '4' });
    let reads = 0;
    const get = keychain.get.bind(keychain);
    keychain.get = async (account) => ((reads += 1), get(account));
    const r = resolver({ env: { NEON_API_KEY: 'env' }, keychain });
    await r.resolve('neon.api_key');
    expect([reads, keychain.entriesCalls]).toEqual([0, 0]);
    await r.resolve('a.x');
    await r.resolve('a.x');
    expect([reads, keychain.entriesCalls]).toEqual([1, 0]);
    await r.resolve('b.y');
    await r.resolve('c.z');
    expect([reads, keychain.entriesCalls]).toEqual([3, 0]);
    await expect(r.resolve('d.w')).resolves.toMatchObject({ value: '4', source: 'keychain' });
    await r.resolve('e.v');
    await r.resolve('f.u');
    expect([reads, keychain.entriesCalls]).toEqual([3, 1]);
  });
});

describe('SecretResolver.lookupAll', () => {
  it('returns every source that holds the secret, highest priority first', async () => {
    const r = resolver({
      env: { BRAVE_API_KEY: 'e' },
      file: { 'brave.api_key': 'f' },
      keychain: new MemoryKeychain({ 'brave.api_key': 'k' }),
    });
    expect(await r.lookupAll('brave.api_key')).toEqual([
      { name: 'brave.api_key', value: 'e', source: 'env', foundAs: 'BRAVE_API_KEY' },
      { name: 'brave.api_key', value: 'f', source: '.env.mcp', foundAs: 'brave.api_key' },
      { name: 'brave.api_key', value: 'k', source: 'keychain' },
    ]);
  });

  it('skips sources that do not hold it', async () => {
    const r = resolver({ keychain: new MemoryKeychain({ 'brave.api_key': 'k' }), file: { OTHER: 'x' } });
    expect((await r.lookupAll('brave.api_key')).map((f) => f.source)).toEqual(['keychain']);
    expect(await r.lookupAll('nobody.home')).toEqual([]);
  });
});

describe('SecretResolver.knownNames', () => {
  it('merges keychain secrets, dotted file keys and catalog secrets present in env or file, sorted', async () => {
    const keychain = new MemoryKeychain({
      'neon.api_key': 'k',
      'oauth/linear': '{"access_token":"t"}',
      'Bad.Upper': 'x',
      'no-dot': 'x',
      'zeta.key': 'z',
    });
    const r = resolver({
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'g', UNRELATED: 'u', BRAVE_API_KEY: '' },
      file: { 'acme.token': 'a', PLAIN_NAME: 'p', SENTRY_AUTH_TOKEN: 's' },
      keychain,
    });
    expect(await r.knownNames()).toEqual(['acme.token', 'github.personal_access_token', 'neon.api_key', 'sentry.auth_token', 'zeta.key']);
  });

  it('excludes keychain accounts that are not secret names from resolution too', async () => {
    const r = resolver({ keychain: new MemoryKeychain({ 'oauth/linear': 'grant' }) });
    expect(await r.knownNames()).toEqual([]);
    expect([...(await r.keychainSecrets()).keys()]).toEqual([]);
  });

  it('lists nothing when every source is empty', async () => {
    expect(await resolver().knownNames()).toEqual([]);
  });
});

describe('keychain unavailable', () => {
  it('resolve still works from env and the file, and keychainError is set', async () => {
    const keychain = new UnavailableKeychain();
    const r = resolver({ env: { NEON_API_KEY: 'env' }, file: { 'brave.api_key': 'file' }, keychain });
    expect(r.keychainError).toBeUndefined();
    await expect(r.resolve('neon.api_key')).resolves.toMatchObject({ value: 'env', source: 'env' });
    await expect(r.resolve('brave.api_key')).resolves.toMatchObject({ value: 'file', source: '.env.mcp' });
    // Found before the keychain was needed: nothing has failed yet.
    expect(r.keychainError).toBeUndefined();

    await expect(r.resolve('acme.missing')).resolves.toBeUndefined();
    expect(r.keychainError).toBeInstanceOf(KeychainUnavailableError);
    expect(r.keychainError?.code).toBe('keychain_unavailable');
    expect(r.keychainError?.exitCode).toBe(ExitCode.keychainUnavailable);
  });

  it('lookupAll and knownNames fall back to env and file', async () => {
    const r = resolver({ env: { BRAVE_API_KEY: 'e' }, file: { 'acme.token': 'f' }, keychain: new UnavailableKeychain() });
    expect((await r.lookupAll('brave.api_key')).map((f) => f.source)).toEqual(['env']);
    expect(await r.knownNames()).toEqual(['acme.token', 'brave.api_key']);
    expect(r.keychainError).toBeInstanceOf(KeychainUnavailableError);
  });

  it('other keychain failures are not swallowed', async () => {
    const broken: KeychainStore = {
      service: 'x',
      get: async () => {
        throw new TypeError('a programming error');
      },
      set: async () => undefined,
      delete: async () => false,
      entries: async () => {
        throw new TypeError('a programming error');
      },
    };
    const r = resolver({ keychain: broken });
    await expect(r.resolve('acme.key')).rejects.toThrow(TypeError);
    await expect(r.knownNames()).rejects.toThrow(TypeError);
    expect(r.keychainError).toBeUndefined();
  });
});
