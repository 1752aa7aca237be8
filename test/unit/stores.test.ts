import { describe, expect, it } from 'vitest';
import { mergeCatalog } from '../../src/core/catalog/index.js';
import { keepReferenceFragments } from '../../src/core/secrets/env-file.js';
import { fromKeychainText, keychainTextOf } from '../../src/core/secrets/reference-entry.js';
import { SecretResolver } from '../../src/core/secrets/resolve.js';
import { parseReference, type SecretReference } from '../../src/core/stores/reference.js';
import { requireReference, StoreSession, storeTimeoutMs } from '../../src/core/stores/registry.js';
import { MemoryKeychain } from './memory-keychain.js';

/** A session that answers from a table and counts what it was asked; no store is involved. */
class TableSession extends StoreSession {
  asked: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly table: Record<string, string>) {
    super({});
  }
  override async resolve(ref: SecretReference): Promise<string> {
    this.asked.push(ref.text);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;
    const value = this.table[ref.text];
    if (value === undefined) throw new Error(`no ${ref.text}`);
    return value;
  }
}

const catalog = mergeCatalog({});

describe('references: which text is one', () => {
  it('only the known schemes; any other URL is a literal value', () => {
    expect(parseReference('op://Dev/Neon/credential')).toMatchObject({ scheme: 'op', rest: 'Dev/Neon/credential' });
    expect(parseReference('aws-sm://prod/db#password')).toMatchObject({ scheme: 'aws-sm' });
    for (const text of ['https://example.com', 'keepass://x', 'op:/x', 'OP://Dev/x/y', 'plain']) expect(parseReference(text), text).toBeUndefined();
  });

  it('--ref checks each store\'s shape; unknown schemes and plain text are invalid_reference', async () => {
    for (const good of ['op://Dev/Neon/credential', 'op://Dev/Neon/section/field', 'op://Dev/Neon/otp?attribute=otp', 'vault://secret/team/neon#api_key', 'vault://secret/team/neon', 'pass://team/neon', 'gopass://team/neon', 'aws-sm://prod/db#password', 'aws-sm://arn:aws:secretsmanager:eu-west-1:1:secret:x', 'gcp-sm://projects/p/secrets/s', 'gcp-sm://projects/p/secrets/s/versions/3']) {
      await expect(requireReference(good), good).resolves.toMatchObject({ text: good });
    }
    for (const bad of ['https://x', 'keepass://x', 'plain', 'op://a/b', 'op://a/b/c/d/e', 'vault://secret', 'vault://secret/x#', 'pass://a//b', 'pass://../x', 'gopass://-x', 'aws-sm://a b', 'aws-sm://x#', 'gcp-sm://projects/p/secrets', 'gcp-sm://projects/p/secrets/s/versions/']) {
      await expect(requireReference(bad), bad).rejects.toMatchObject({ code: 'invalid_reference', exitCode: 2 });
    }
  });

  it('the keychain marks a reference with its prefix; a value that only looks like one stays a value', () => {
    const ref = parseReference('op://Dev/Neon/credential')!;
    expect(keychainTextOf(ref)).toBe('mcpkey-reference:op://Dev/Neon/credential');
    expect(fromKeychainText('mcpkey-reference:op://Dev/Neon/credential')).toEqual({ reference: ref });
    expect(fromKeychainText('op://Dev/Neon/credential')).toEqual({ value: 'op://Dev/Neon/credential' });
    expect(fromKeychainText('mcpkey-reference:keepass://x')).toEqual({ unusable: expect.objectContaining({ code: 'invalid_reference' }) });
  });

  it('.env.mcp: an unquoted reference keeps its #key (dotenv would cut it); a comment needs whitespace before #', () => {
    const text = 'A=vault://s/t#k\nB=vault://s/t#k # a comment\nC=https://x#y\nD=vault://s/t#k\nD=later\n';
    const values = new Map([['A', 'vault://s/t'], ['B', 'vault://s/t'], ['C', 'https://x'], ['D', 'later']]);
    keepReferenceFragments(text, values);
    expect(Object.fromEntries(values)).toEqual({ A: 'vault://s/t#k', B: 'vault://s/t#k', C: 'https://x', D: 'later' });
  });

  it('MCPKEY_STORE_TIMEOUT is seconds; nonsense is a usage error', () => {
    expect(storeTimeoutMs({})).toBe(30_000);
    expect(storeTimeoutMs({ MCPKEY_STORE_TIMEOUT: '2.5' })).toBe(2500);
    expect(() => storeTimeoutMs({ MCPKEY_STORE_TIMEOUT: 'soon' })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });
});

describe('SecretResolver with references', () => {
  function resolver(options: { env?: Record<string, string>; file?: Record<string, string>; keychain?: Record<string, string>; table?: Record<string, string> }) {
    const stores = new TableSession(options.table ?? {});
    const secrets = new SecretResolver({
      env: options.env ?? {},
      envFile: options.file ? { path: '/tmp/.env.mcp', values: new Map(Object.entries(options.file)), warnings: [] } : undefined,
      keychain: new MemoryKeychain(options.keychain),
      catalog,
      stores,
    });
    return { secrets, stores };
  }

  it('locate() names the reference without asking the store; resolve() asks it', async () => {
    const { secrets, stores } = resolver({ file: { NEON_API_KEY: 'op://Dev/Neon/credential' }, table: { 'op://Dev/Neon/credential': 'v1' } });
    const located = await secrets.locate('neon.api_key');
    expect(located).toMatchObject({ source: '.env.mcp', foundAs: 'NEON_API_KEY', reference: { scheme: 'op' } });
    expect(located!.value).toBeUndefined();
    expect(stores.asked).toEqual([]);
    expect(await secrets.resolve('neon.api_key')).toMatchObject({ value: 'v1', source: '.env.mcp' });
    expect(stores.asked).toEqual(['op://Dev/Neon/credential']);
  });

  it('environment variables and keychain references resolve too; literals are never sent to a store', async () => {
    const { secrets, stores } = resolver({
      env: { NEON_API_KEY: 'pass://team/neon', SENTRY_ACCESS_TOKEN: 'https://not-a-store' },
      keychain: { 'linear.api_key': 'mcpkey-reference:gopass://team/linear', 'github.personal_access_token': 'op://looks/like/one' },
      table: { 'pass://team/neon': 'from-pass', 'gopass://team/linear': 'from-gopass' },
    });
    expect((await secrets.resolve('neon.api_key'))!.value).toBe('from-pass');
    expect((await secrets.resolve('linear.api_key'))!.value).toBe('from-gopass');
    expect((await secrets.resolve('sentry.auth_token'))!.value).toBe('https://not-a-store');
    expect((await secrets.resolve('github.personal_access_token'))!.value).toBe('op://looks/like/one');
    expect(stores.asked.sort()).toEqual(['gopass://team/linear', 'pass://team/neon']);
  });

  it('a keychain reference of a store this mcpkey does not know is listed, and fails where its value is needed', async () => {
    const { secrets, stores } = resolver({ keychain: { 'neon.api_key': 'mcpkey-reference:keepass://x' } });
    expect(await secrets.locate('neon.api_key')).toMatchObject({ source: 'keychain' });
    await expect(secrets.resolve('neon.api_key')).rejects.toMatchObject({ code: 'invalid_reference', exitCode: 2 });
    expect(stores.asked).toEqual([]);
  });

  it('resolveAll: references in parallel', async () => {
    const { secrets, stores } = resolver({
      file: { 'a.one': 'op://V/A/f', 'a.two': 'op://V/B/f', 'a.three': 'literal' },
      table: { 'op://V/A/f': '1', 'op://V/B/f': '2' },
    });
    const found = await secrets.resolveAll(['a.one', 'a.two', 'a.three', 'a.none']);
    expect(found.map((item) => item?.value)).toEqual(['1', '2', 'literal', undefined]);
    expect(stores.maxInFlight).toBe(2);
  });
});

describe('StoreSession', () => {
  it('one store call per reference for concurrent uses; a failure is not kept', async () => {
    // No PATH: the CLI is missing at once, with no process started.
    const session = new StoreSession({ PATH: '' }, 5_000);
    const ref = parseReference('gopass://team/x')!;
    const both = await Promise.allSettled([session.resolve(ref), session.resolve(ref)]);
    expect(both.map((item) => item.status)).toEqual(['rejected', 'rejected']);
    expect((both[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'store_cli_missing', exitCode: 4 });
    expect(session.calls).toBe(1);
    await expect(session.resolve(ref)).rejects.toMatchObject({ code: 'store_cli_missing' });
    expect(session.calls).toBe(2);
  });
});
