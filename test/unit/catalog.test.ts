import { describe, expect, it } from 'vitest';
import { classify } from '../../src/core/auth/classify.js';
import { BUILTIN_CATALOG } from '../../src/core/catalog/builtin.js';
import { builtinEntry, findEntry, mergeCatalog } from '../../src/core/catalog/index.js';
import type { CatalogEntry, RemoteTransport } from '../../src/core/catalog/types.js';
import { validateEntry } from '../../src/core/catalog/validate.js';
import { NotFoundError } from '../../src/core/errors.js';
import { isValidEnvName, tryParseSecretName } from '../../src/core/names.js';
import { builtin, remote, stdio } from './lookups.js';

const PLACEHOLDER = /\$\{([^}]*)\}/g;

describe('BUILTIN_CATALOG', () => {
  it('has entries', () => {
    expect(BUILTIN_CATALOG.length).toBeGreaterThanOrEqual(20);
  });

  it.each(BUILTIN_CATALOG.map((entry) => [entry.name, entry] as const))('%s passes validateEntry', (name, entry) => {
    expect(validateEntry(entry, name)).toBeUndefined();
    // And survives a round trip through JSON, as user entries do.
    expect(validateEntry(JSON.parse(JSON.stringify(entry)), name)).toBeUndefined();
  });

  it('names are unique', () => {
    const names = BUILTIN_CATALOG.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('secret names are unique, belong to their entry and are valid', () => {
    const all = BUILTIN_CATALOG.flatMap((entry) => entry.secrets.map((secret) => ({ entry: entry.name, secret })));
    expect(new Set(all.map((s) => s.secret.name)).size).toBe(all.length);
    for (const { entry, secret } of all) {
      expect(tryParseSecretName(secret.name)?.server, secret.name).toBe(entry);
      expect(secret.description.length, secret.name).toBeGreaterThan(0);
      expect(isValidEnvName(secret.env), `${secret.name}: ${secret.env}`).toBe(true);
    }
  });

  it.each([
    ['fetch', 'none'],
    ['filesystem', 'none'],
    ['sequential-thinking', 'none'],
    ['time', 'none'],
    ['memory', 'none'],
    ['neon', 'api-key'],
    ['github', 'api-key'],
    ['slack', 'api-key'],
    ['postgres', 'api-key'],
    ['brave', 'api-key'],
    ['gitlab', 'api-key'],
    ['google-maps', 'api-key'],
    ['sentry-remote', 'oauth'],
    ['linear', 'oauth'],
    ['notion-remote', 'oauth'],
    ['asana', 'oauth'],
    ['atlassian', 'oauth'],
    ['stripe', 'oauth'],
    ['cloudflare', 'oauth'],
    ['github-remote', 'oauth'],
    // Optional keys since their free tiers run without one (catalog-facts-2026-12).
    ['firecrawl', 'none'],
    ['tavily', 'none'],
    // Additions of 2026-12.
    ['slack-remote', 'oauth'],
    ['hubspot', 'api-key'],
    ['hubspot-remote', 'oauth'],
    ['box', 'oauth'],
    ['intercom', 'oauth'],
    ['vercel', 'oauth'],
    ['canva', 'oauth'],
    ['figma', 'oauth'],
    ['monday', 'api-key'],
    ['monday-remote', 'oauth'],
    ['webflow', 'api-key'],
    ['webflow-remote', 'oauth'],
    ['wix', 'oauth'],
    ['prisma', 'oauth'],
    ['huggingface', 'none'],
    ['todoist', 'api-key'],
    ['todoist-remote', 'oauth'],
    ['paypal', 'oauth'],
    ['paypal-sandbox', 'oauth'],
    ['square', 'api-key'],
    ['square-remote', 'oauth'],
    ['exa', 'none'],
    ['perplexity', 'api-key'],
    ['resend', 'api-key'],
    ['airtable', 'api-key'],
    ['netlify', 'none'],
    ['elevenlabs', 'api-key'],
    ['microsoft-learn', 'none'],
    ['context7-remote', 'none'],
    ['stripe-local', 'api-key'],
    ['supabase-local', 'api-key'],
  ] as const)('required entry %s exists and is %s', (name, kind) => {
    const entry = builtinEntry(name);
    expect(entry, name).toBeDefined();
    expect(classify({ ...entry!, source: 'builtin' })).toBe(kind);
  });

  it('every ${VAR} placeholder in args, env and headers names a secret env of the same entry', () => {
    let checked = 0;
    for (const entry of BUILTIN_CATALOG) {
      const declared = new Set(entry.secrets.map((secret) => secret.env));
      const texts =
        entry.transport.type === 'stdio'
          ? [...entry.transport.args, ...Object.values(entry.transport.env ?? {})]
          : Object.values(entry.transport.headers ?? {});
      for (const text of texts) {
        for (const match of text.matchAll(PLACEHOLDER)) {
          expect(declared.has(match[1]!), `${entry.name}: ${match[0]}`).toBe(true);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2); // neon and postgres at least
  });

  it('every remote URL is https', () => {
    const remotes = BUILTIN_CATALOG.filter((entry) => entry.transport.type === 'remote');
    expect(remotes.length).toBeGreaterThan(5);
    for (const entry of remotes) {
      const url = new URL((entry.transport as RemoteTransport).url);
      expect(url.protocol, entry.name).toBe('https:');
      expect(url.username + url.password, entry.name).toBe('');
    }
  });

  it('no stdio entry puts a literal secret value in env', () => {
    for (const entry of BUILTIN_CATALOG) {
      if (entry.transport.type !== 'stdio') continue;
      for (const name of Object.keys(entry.transport.env ?? {})) {
        expect(entry.secrets.map((s) => s.env), `${entry.name}: ${name}`).not.toContain(name);
      }
    }
  });
});

describe('catalog facts (shared/catalog-facts.md)', () => {
  it('github: docker image, token passed by name, GITHUB_PERSONAL_ACCESS_TOKEN', () => {
    expect(builtin('github').secrets).toEqual([
      expect.objectContaining({ name: 'github.personal_access_token', env: 'GITHUB_PERSONAL_ACCESS_TOKEN' }),
    ]);
    const transport = stdio('github');
    expect(transport.command).toBe('docker');
    expect(transport.args).toEqual(['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server']);
  });

  it('brave: BRAVE_API_KEY and BRAVE_MCP_TRANSPORT=stdio', () => {
    expect(stdio('brave').env).toEqual({ BRAVE_MCP_TRANSPORT: 'stdio' });
    expect(stdio('brave').args).toEqual(['-y', '@brave/brave-search-mcp-server']);
    expect(builtin('brave').secrets.map((s) => [s.name, s.env])).toEqual([['brave.api_key', 'BRAVE_API_KEY']]);
  });

  it('neon: the key is a positional argument placeholder after `start`', () => {
    const transport = stdio('neon');
    expect(transport.command).toBe('npx');
    expect(transport.args).toEqual(['-y', '@neondatabase/mcp-server-neon@latest', 'start', '${NEON_API_KEY}']);
    expect(builtin('neon').secrets.map((s) => [s.name, s.env])).toEqual([['neon.api_key', 'NEON_API_KEY']]);
  });

  it('postgres: the connection URL is a positional argument placeholder', () => {
    expect(stdio('postgres').args).toEqual(['-y', '@modelcontextprotocol/server-postgres', '${POSTGRES_URL}']);
  });

  it('python servers run with uvx', () => {
    expect(stdio('fetch')).toMatchObject({ command: 'uvx', args: ['mcp-server-fetch'] });
    expect(stdio('time')).toMatchObject({ command: 'uvx', args: ['mcp-server-time'] });
    expect(stdio('git')).toMatchObject({ command: 'uvx', args: ['mcp-server-git'] });
  });

  it('env names of the key servers', () => {
    const envOf = (name: string) => builtin(name).secrets.map((s) => [s.name, s.env]);
    expect(envOf('google-maps')).toEqual([['google-maps.api_key', 'GOOGLE_MAPS_API_KEY']]);
    expect(envOf('gitlab')).toEqual([['gitlab.personal_access_token', 'GITLAB_PERSONAL_ACCESS_TOKEN']]);
    expect(envOf('sentry')).toEqual([['sentry.auth_token', 'SENTRY_ACCESS_TOKEN']]);
    expect(envOf('notion')).toEqual([['notion.internal_integration_token', 'NOTION_TOKEN']]);
    expect(envOf('tavily')).toEqual([['tavily.api_token', 'TAVILY_API_KEY']]);
    expect(envOf('mongodb')).toEqual([['mongodb.connection_string', 'MDB_MCP_CONNECTION_STRING']]);
    expect(envOf('firecrawl')).toEqual([['firecrawl.api_key', 'FIRECRAWL_API_KEY']]);
    expect(envOf('slack')).toEqual([
      ['slack.bot_token', 'SLACK_BOT_TOKEN'],
      ['slack.team_id', 'SLACK_TEAM_ID'],
      ['slack.channel_ids', 'SLACK_CHANNEL_IDS'],
    ]);
    expect(builtin('slack').secrets.find((s) => s.name === 'slack.channel_ids')?.optional).toBe(true);
    expect(builtin('context7').secrets).toEqual([expect.objectContaining({ name: 'context7.api_key', env: 'CONTEXT7_API_KEY', optional: true })]);
  });

  it('remote URLs', () => {
    expect(remote('sentry-remote').url).toBe('https://mcp.sentry.dev/mcp');
    expect(remote('linear').url).toBe('https://mcp.linear.app/mcp');
    expect(remote('notion-remote').url).toBe('https://mcp.notion.com/mcp');
    expect(remote('atlassian').url).toBe('https://mcp.atlassian.com/v1/mcp/authv2');
    expect(remote('cloudflare').url).toBe('https://mcp.cloudflare.com/mcp');
    expect(remote('cloudflare-docs').url).toBe('https://docs.mcp.cloudflare.com/mcp');
    expect(remote('gitlab-remote').url).toBe('https://gitlab.com/api/v4/mcp');
    expect(remote('neon-remote').url).toBe('https://mcp.neon.tech/mcp');
    expect(remote('supabase').url).toBe('https://mcp.supabase.com/mcp');
    for (const name of ['sentry-remote', 'linear', 'notion-remote', 'atlassian', 'cloudflare', 'github-remote', 'asana']) {
      expect(remote(name).transport, name).toBe('streamable-http');
    }
  });

  it('stripe is https://mcp.stripe.com', () => {
    expect(new URL(remote('stripe').url).origin).toBe('https://mcp.stripe.com');
  });

  it('github-remote keeps its trailing slash and needs a pre-registered client', () => {
    expect(remote('github-remote').url).toBe('https://api.githubcopilot.com/mcp/');
    const oauth = builtin('github-remote').oauth;
    expect(oauth && oauth.note).toMatch(/dynamic registration/i);
    expect(oauth && oauth.note).toContain('--client-id');
  });

  it('asana uses /v2/mcp (not the deprecated /sse) and notes the pre-registered client', () => {
    expect(remote('asana').url).toBe('https://mcp.asana.com/v2/mcp');
    const oauth = builtin('asana').oauth;
    expect(oauth).toBeTypeOf('object');
    expect(oauth && oauth.note).toMatch(/dynamic registration/i);
    expect(oauth && oauth.note).toMatch(/client ID/i);
  });

  it('gitlab-remote asks for the mcp scope; cloudflare-docs needs no auth', () => {
    expect(builtin('gitlab-remote').oauth).toEqual({ scopes: ['mcp'] });
    expect(builtin('cloudflare-docs').oauth).toBe(false);
  });
});

describe('validateEntry', () => {
  const good: CatalogEntry = {
    name: 'acme',
    title: 'Acme',
    description: 'd',
    transport: { type: 'stdio', command: 'acme', args: [] },
    secrets: [{ name: 'acme.key', env: 'ACME_KEY', description: 'k' }],
  };

  it.each([
    ['not an object', 'x', 'acme', /object/],
    ['a mismatched name', good, 'other', /"name" must be "other"/],
    ['an invalid server name', { ...good, name: 'Bad' }, 'Bad', /invalid server name/],
    ['no transport', { ...good, transport: undefined }, 'acme', /transport/],
    ['an unknown transport type', { ...good, transport: { type: 'ftp' } }, 'acme', /transport.type/],
    ['an empty command', { ...good, transport: { type: 'stdio', command: '', args: [] } }, 'acme', /command/],
    ['non-string args', { ...good, transport: { type: 'stdio', command: 'x', args: [1] } }, 'acme', /args/],
    ['a non-string env value', { ...good, transport: { type: 'stdio', command: 'x', args: [], env: { A: 1 } } }, 'acme', /env/],
    ['a bad url', { ...good, transport: { type: 'remote', url: 'not a url', transport: 'sse' } }, 'acme', /url/],
    ['a bad remote transport', { ...good, transport: { type: 'remote', url: 'https://x.example', transport: 'ws' } }, 'acme', /streamable-http/],
    ['secrets not a list', { ...good, secrets: {} }, 'acme', /secrets/],
    ['a bad secret name', { ...good, secrets: [{ name: 'nodot', env: 'X' }] }, 'acme', /secret name/],
    ['a bad env name', { ...good, secrets: [{ name: 'acme.key', env: 'BAD-ENV' }] }, 'acme', /env name/],
    ['oauth true', { ...good, oauth: true }, 'acme', /oauth/],
    ['requires not an object', { ...good, requires: 22 }, 'acme', /"requires" must be an object/],
    ['requires as a list', { ...good, requires: [22] }, 'acme', /"requires" must be an object/],
    ['requires null', { ...good, requires: null }, 'acme', /"requires" must be an object/],
    ['requires.node as a range', { ...good, requires: { node: '>=22' } }, 'acme', /requires\.node/],
    ['requires.node a fraction', { ...good, requires: { node: 22.5 } }, 'acme', /requires\.node/],
    ['requires.node zero', { ...good, requires: { node: 0 } }, 'acme', /requires\.node/],
  ])('rejects %s', (_label, value, name, pattern) => {
    const problem = validateEntry(value, name);
    expect(problem).toBeDefined();
    expect(problem).toMatch(pattern);
  });

  it('accepts oauth false and an oauth object', () => {
    expect(validateEntry({ ...good, oauth: false }, 'acme')).toBeUndefined();
    expect(validateEntry({ ...good, oauth: { clientId: 'c' } }, 'acme')).toBeUndefined();
  });

  it('accepts requires with a Node major, or empty', () => {
    expect(validateEntry({ ...good, requires: { node: 22 } }, 'acme')).toBeUndefined();
    expect(validateEntry({ ...good, requires: {} }, 'acme')).toBeUndefined();
  });
});

describe('mergeCatalog and findEntry', () => {
  const override: CatalogEntry = {
    name: 'neon',
    title: 'My Neon',
    description: 'self-hosted',
    transport: { type: 'stdio', command: 'my-neon', args: [] },
    secrets: [],
  };
  const extra: CatalogEntry = {
    name: 'aaa-mine',
    title: 'Mine',
    description: 'mine',
    transport: { type: 'remote', url: 'https://mcp.example.com/mcp', transport: 'streamable-http' },
    secrets: [],
  };

  it('without user entries: every built-in, marked builtin, sorted by name', () => {
    const merged = mergeCatalog({});
    expect(merged).toHaveLength(BUILTIN_CATALOG.length);
    expect(merged.every((entry) => entry.source === 'builtin' && entry.overridesBuiltin === undefined)).toBe(true);
    const names = merged.map((entry) => entry.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('a user entry replaces a built-in and is marked overridesBuiltin; a new one is not', () => {
    const merged = mergeCatalog({ neon: override, 'aaa-mine': extra });
    expect(merged).toHaveLength(BUILTIN_CATALOG.length + 1);
    const neon = findEntry(merged, 'neon');
    expect(neon).toMatchObject({ title: 'My Neon', source: 'user', overridesBuiltin: true });
    expect(neon.transport).toEqual(override.transport);
    expect(merged.filter((entry) => entry.name === 'neon')).toHaveLength(1);
    const mine = findEntry(merged, 'aaa-mine');
    expect(mine.source).toBe('user');
    expect(mine.overridesBuiltin).toBeUndefined();
    expect('overridesBuiltin' in mine).toBe(false);
    expect(merged[0]?.name).toBe('aaa-mine');
    const names = merged.map((entry) => entry.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('does not alter the built-in catalog', () => {
    mergeCatalog({ neon: override });
    expect(builtinEntry('neon')?.title).toBe('Neon');
    expect('source' in builtin('neon')).toBe(false);
  });

  it('findEntry on an unknown name throws NotFoundError with exit code 3', () => {
    const merged = mergeCatalog({});
    let error: unknown;
    try {
      findEntry(merged, 'no-such-server');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).exitCode).toBe(3);
    expect((error as NotFoundError).code).toBe('unknown_server');
    expect((error as NotFoundError).message).toContain('no-such-server');
    expect(() => findEntry(merged, 'aaa-mine')).toThrow(NotFoundError);
  });

  it('findEntry escapes control characters in the unknown name', () => {
    expect(() => findEntry(mergeCatalog({}), 'x\u001b[2J')).toThrow(/x\\x1b\[2J/);
  });
});
