import { describe, expect, it } from 'vitest';
import {
  classify,
  describeMissing,
  noGrants,
  readiness,
  requiredSecrets,
  secretSetCommand,
  usesOAuth,
  type GrantStatusSource,
  type HostCheck,
  type OAuthState,
} from '../../src/core/auth/classify.js';
import { findEntry, mergeCatalog } from '../../src/core/catalog/index.js';
import type { CatalogEntry, ResolvedEntry } from '../../src/core/catalog/types.js';
import type { Env } from '../../src/core/config/paths.js';
import { SecretResolver } from '../../src/core/secrets/resolve.js';
import { MemoryKeychain } from './memory-keychain.js';


function grants(state: OAuthState): GrantStatusSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    status: async (server) => {
      asked.push(server);
      return { status: state, issuer: 'https://auth.example.com' };
    },
    clear: async () => false,
  };
}

/** Needs an API key AND an OAuth grant. */
const both: CatalogEntry = {
  name: 'both',
  title: 'Both',
  description: 'remote server needing a key and OAuth',
  transport: { type: 'remote', url: 'https://mcp.example.com/mcp', transport: 'streamable-http', headers: { 'X-Api-Key': '${BOTH_API_KEY}' } },
  secrets: [{ name: 'both.api_key', env: 'BOTH_API_KEY', description: 'key' }],
  oauth: {},
};

const catalog = mergeCatalog({ both });

/** A machine with every launcher and a recent Node.js, unless told otherwise. */
function host(options: { without?: string[]; node?: string } = {}): HostCheck & { looked: string[] } {
  const looked: string[] = [];
  return {
    looked,
    hasCommand: (command) => (looked.push(command), !(options.without ?? []).includes(command)),
    nodeVersion: options.node ?? '24.1.0',
  };
}
const everything = host();
const entry = (name: string): ResolvedEntry => findEntry(catalog, name);

function resolverWith(options: { env?: Env; keychain?: Record<string, string> } = {}): SecretResolver {
  return new SecretResolver({ env: options.env ?? {}, envFile: undefined, keychain: new MemoryKeychain(options.keychain), catalog });
}

describe('classify', () => {
  it.each([
    ['memory', 'none'],
    ['fetch', 'none'],
    ['filesystem', 'none'],
    ['context7', 'none'],
    ['cloudflare-docs', 'none'],
    ['neon', 'api-key'],
    ['github', 'api-key'],
    ['slack', 'api-key'],
    ['postgres', 'api-key'],
    ['linear', 'oauth'],
    ['asana', 'oauth'],
    ['github-remote', 'oauth'],
    ['gitlab-remote', 'oauth'],
    ['both', 'oauth'],
  ] as const)('%s is %s', (name, kind) => {
    expect(classify(entry(name))).toBe(kind);
  });

  it('usesOAuth: remote without required secrets, or with an oauth spec; never with oauth:false or stdio', () => {
    expect(usesOAuth(entry('linear'))).toBe(true);
    expect(usesOAuth(entry('both'))).toBe(true);
    expect(usesOAuth(entry('cloudflare-docs'))).toBe(false);
    expect(usesOAuth(entry('neon'))).toBe(false);
    expect(usesOAuth(entry('memory'))).toBe(false);
  });

  it('a remote entry with a required secret and no oauth spec is api-key', () => {
    const keyed: ResolvedEntry = { ...both, name: 'keyed', oauth: undefined, source: 'user' };
    delete keyed.oauth;
    expect(classify(keyed)).toBe('api-key');
    expect(usesOAuth(keyed)).toBe(false);
  });

  it('a remote entry with only optional secrets is oauth', () => {
    const optional: ResolvedEntry = {
      ...both,
      name: 'opt',
      secrets: [{ name: 'opt.key', env: 'OPT_KEY', description: 'k', optional: true }],
      source: 'user',
    };
    delete optional.oauth;
    expect(classify(optional)).toBe('oauth');
  });

  it('oauth:false with a required secret is api-key', () => {
    expect(classify({ ...both, oauth: false, source: 'user' })).toBe('api-key');
  });

  it('requiredSecrets drops optional ones', () => {
    expect(requiredSecrets(entry('slack')).map((s) => s.name)).toEqual(['slack.bot_token', 'slack.team_id']);
    expect(requiredSecrets(entry('context7'))).toEqual([]);
  });
});

describe('readiness', () => {
  it('memory: none, ready, nothing to do, no grant lookup', async () => {
    const g = grants('not-authorized');
    const result = await readiness(entry('memory'), resolverWith(), g, everything);
    expect(result).toEqual({ kind: 'none', ready: true, secrets: [], missing: [], nextSteps: [] });
    expect(g.asked).toEqual([]);
  });

  it('cloudflare-docs (remote, oauth:false): none and ready without any grant', async () => {
    const g = grants('not-authorized');
    const result = await readiness(entry('cloudflare-docs'), resolverWith(), g, everything);
    expect(result.kind).toBe('none');
    expect(result.ready).toBe(true);
    expect(result.oauth).toBeUndefined();
    expect(g.asked).toEqual([]);
  });

  it('context7: the optional secret does not block readiness', async () => {
    const result = await readiness(entry('context7'), resolverWith(), noGrants, everything);
    expect(result.kind).toBe('none');
    expect(result.ready).toBe(true);
    expect(result.missing).toEqual([]);
    expect(result.secrets).toEqual([
      { name: 'context7.api_key', env: 'CONTEXT7_API_KEY', description: 'Context7 API key (optional)', optional: true, present: false },
    ]);
  });

  it('neon without its key: not ready, says which secret and how to set it', async () => {
    const result = await readiness(entry('neon'), resolverWith(), noGrants, everything);
    expect(result.kind).toBe('api-key');
    expect(result.ready).toBe(false);
    expect(result.missing).toEqual([{ type: 'secret', name: 'neon.api_key', env: 'NEON_API_KEY' }]);
    expect(result.nextSteps).toEqual(['mcpkey secret set neon.api_key']);
    expect(result.secrets[0]).toMatchObject({
      name: 'neon.api_key',
      env: 'NEON_API_KEY',
      optional: false,
      present: false,
      url: 'https://console.neon.tech/app/settings/api-keys',
    });
    expect(result.secrets[0]?.source).toBeUndefined();
  });

  it('neon with its key in env or keychain: ready, with the source', async () => {
    const fromEnv = await readiness(entry('neon'), resolverWith({ env: { NEON_API_KEY: 'k' } }), noGrants, everything);
    expect(fromEnv.ready).toBe(true);
    expect(fromEnv.secrets[0]).toMatchObject({ present: true, source: 'env' });
    const fromKeychain = await readiness(entry('neon'), resolverWith({ keychain: { 'neon.api_key': 'k' } }), noGrants, everything);
    expect(fromKeychain.ready).toBe(true);
    expect(fromKeychain.secrets[0]).toMatchObject({ present: true, source: 'keychain' });
    expect(fromKeychain.nextSteps).toEqual([]);
  });

  it('slack: lists every missing required secret, never the optional one', async () => {
    const result = await readiness(entry('slack'), resolverWith({ env: { SLACK_BOT_TOKEN: 'xoxb' } }), noGrants, everything);
    expect(result.ready).toBe(false);
    expect(result.missing).toEqual([{ type: 'secret', name: 'slack.team_id', env: 'SLACK_TEAM_ID' }]);
    expect(result.nextSteps).toEqual(['mcpkey secret set slack.team_id']);
  });

  it('linear without a grant: oauth, not ready, next step is oauth authorize', async () => {
    const result = await readiness(entry('linear'), resolverWith(), noGrants, everything);
    expect(result.kind).toBe('oauth');
    expect(result.ready).toBe(false);
    expect(result.oauth).toEqual({ status: 'not-authorized' });
    expect(result.missing).toEqual([{ type: 'oauth' }]);
    expect(result.nextSteps).toEqual(['mcpkey oauth authorize linear']);
  });

  it.each([
    ['authorized', true],
    ['expired-refreshable', true],
    ['expired', false],
    ['not-authorized', false],
  ] as const)('linear with grant state %s: ready=%s', async (state, ready) => {
    const g = grants(state);
    const result = await readiness(entry('linear'), resolverWith(), g, everything);
    expect(result.ready).toBe(ready);
    expect(result.oauth?.status).toBe(state);
    expect(g.asked).toEqual(['linear']);
    expect(result.missing).toEqual(ready ? [] : [{ type: 'oauth' }]);
  });

  it('an entry needing an API key and OAuth lists both, with the exact commands', async () => {
    const result = await readiness(entry('both'), resolverWith(), noGrants, everything);
    expect(result.kind).toBe('oauth');
    expect(result.ready).toBe(false);
    expect(result.missing).toEqual([{ type: 'secret', name: 'both.api_key', env: 'BOTH_API_KEY' }, { type: 'oauth' }]);
    expect(result.nextSteps).toEqual(['mcpkey secret set both.api_key', 'mcpkey oauth authorize both']);
    expect(result.nextSteps).toContain(secretSetCommand('both.api_key'));
  });

  it('an authorized grant alone is not enough when the key is missing', async () => {
    const result = await readiness(entry('both'), resolverWith(), grants('authorized'), everything);
    expect(result.ready).toBe(false);
    expect(result.missing).toEqual([{ type: 'secret', name: 'both.api_key', env: 'BOTH_API_KEY' }]);
    expect(result.nextSteps).toEqual(['mcpkey secret set both.api_key']);
  });

  it('the key and an authorized grant make it ready', async () => {
    const g = grants('authorized');
    const result = await readiness(entry('both'), resolverWith({ env: { BOTH_API_KEY: 'k' } }), g, everything);
    expect(result.ready).toBe(true);
    expect(result.missing).toEqual([]);
    expect(result.nextSteps).toEqual([]);
    expect(result.oauth).toEqual({ status: 'authorized', issuer: 'https://auth.example.com' });
    expect(g.asked).toEqual(['both']);
  });

  it('the key alone is not enough when no grant exists', async () => {
    const result = await readiness(entry('both'), resolverWith({ env: { BOTH_API_KEY: 'k' } }), noGrants, everything);
    expect(result.ready).toBe(false);
    expect(result.missing).toEqual([{ type: 'oauth' }]);
    expect(result.nextSteps).toEqual(['mcpkey oauth authorize both']);
  });

  it('noGrants reports not-authorized and clears nothing', async () => {
    await expect(noGrants.status('linear')).resolves.toEqual({ status: 'not-authorized' });
    await expect(noGrants.clear('linear')).resolves.toBe(false);
  });
});

describe('readiness of the machine: launcher and Node.js', () => {
  it('fetch without uvx on PATH: not ready, the launcher is missing, the next step says where to get uv', async () => {
    const machine = host({ without: ['uvx'] });
    const result = await readiness(entry('fetch'), resolverWith(), noGrants, machine);
    expect(machine.looked).toEqual(['uvx']);
    expect(result.ready).toBe(false);
    expect(result.missing).toEqual([{ type: 'launcher', command: 'uvx' }]);
    expect(result.nextSteps).toEqual(['install uv, which provides uvx: https://docs.astral.sh/uv/getting-started/installation/']);
  });

  it('memory with npx present is ready; without npx the step is to install Node.js', async () => {
    expect((await readiness(entry('memory'), resolverWith(), noGrants, everything)).ready).toBe(true);
    const result = await readiness(entry('memory'), resolverWith(), noGrants, host({ without: ['npx'] }));
    expect(result.missing).toEqual([{ type: 'launcher', command: 'npx' }]);
    expect(result.nextSteps[0]).toMatch(/^install Node\.js.*npx: https:\/\/nodejs\.org/);
  });

  it('a remote entry needs no launcher: PATH is not consulted', async () => {
    const machine = host({ without: ['npx', 'uvx', 'docker'] });
    const result = await readiness(entry('cloudflare-docs'), resolverWith(), noGrants, machine);
    expect(result.ready).toBe(true);
    expect(machine.looked).toEqual([]);
  });

  it('the launcher comes before the secrets it would read, and both are listed', async () => {
    const result = await readiness(entry('neon'), resolverWith(), noGrants, host({ without: ['npx'] }));
    expect(result.missing).toEqual([
      { type: 'launcher', command: 'npx' },
      { type: 'secret', name: 'neon.api_key', env: 'NEON_API_KEY' },
    ]);
    expect(result.nextSteps.slice(1)).toEqual(['mcpkey secret set neon.api_key']);
  });

  it('an entry whose release needs a newer Node.js: not ready on an older one, with the versions', async () => {
    const modern: ResolvedEntry = { ...entry('memory'), name: 'modern', requires: { node: 22 }, source: 'user' };
    const old = await readiness(modern, resolverWith(), noGrants, host({ node: '20.20.2' }));
    expect(old.ready).toBe(false);
    expect(old.missing).toEqual([{ type: 'node', required: '>=22', current: '20.20.2' }]);
    expect(old.nextSteps).toEqual(['upgrade Node.js to 22 or newer']);
    for (const version of ['22.0.0', '24.11.1']) {
      const fine = await readiness(modern, resolverWith(), noGrants, host({ node: version }));
      expect(fine.ready).toBe(true);
      expect(fine.missing).toEqual([]);
    }
  });

  it('typed items read as the short text lists show', () => {
    expect(describeMissing({ type: 'secret', name: 'neon.api_key', env: 'NEON_API_KEY' })).toBe('neon.api_key');
    expect(describeMissing({ type: 'oauth' })).toBe('oauth authorization');
    expect(describeMissing({ type: 'launcher', command: 'uvx' })).toBe('uvx (not installed)');
    expect(describeMissing({ type: 'node', required: '>=22', current: '20.20.2' })).toBe('Node.js >= 22');
  });
});
