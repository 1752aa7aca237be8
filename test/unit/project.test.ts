import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { mergeCatalog } from '../../src/core/catalog/index.js';
import type { CatalogEntry } from '../../src/core/catalog/types.js';
import { ConfigError, NotReadyError } from '../../src/core/errors.js';
import { checkProject } from '../../src/core/project/check.js';
import { loadProject, parseProject, type ProjectData } from '../../src/core/project/file.js';
import { layerConfig, layeredCatalog } from '../../src/core/project/layer.js';
import { literalCredentialIn } from '../../src/core/project/literal.js';
import { SecretResolver } from '../../src/core/secrets/resolve.js';
import type { SecretReference } from '../../src/core/stores/reference.js';
import type { StoreSession } from '../../src/core/stores/registry.js';
import { MemoryKeychain } from './memory-keychain.js';

const acme: CatalogEntry = {
  name: 'acme',
  title: 'Acme',
  description: 'd',
  transport: { type: 'stdio', command: 'npx', args: ['-y', '@acme/mcp'] },
  secrets: [{ name: 'acme.api_key', env: 'ACME_API_KEY', description: 'k' }],
};

function parse(data: unknown): ProjectData {
  return parseProject(JSON.stringify(data), '/repo/mcpkey.json');
}

function refusal(data: unknown): ConfigError {
  try {
    parse(data);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('not refused');
}

describe('parseProject', () => {
  it('reads version, enabled, full entries and references', () => {
    const project = parse({ version: 1, enabled: ['memory', 'acme', 'acme'], servers: { acme }, secrets: { 'acme.api_key': 'op://Dev/Acme/credential' } });
    expect(project.enabled).toEqual(['memory', 'acme']);
    expect(project.servers.acme).toEqual(acme);
    expect(project.secrets.get('acme.api_key')).toEqual({ scheme: 'op', text: 'op://Dev/Acme/credential', rest: 'Dev/Acme/credential' });
  });

  it('without "enabled", leaves the enabled set to the user', () => {
    expect(parse({ version: 1 }).enabled).toBeUndefined();
    expect(layerConfig({ version: 1, enabled: ['fetch'], servers: {} }, parse({ version: 1 })).enabled).toEqual(['fetch']);
    expect(layerConfig({ version: 1, enabled: ['fetch'], servers: {} }, parse({ version: 1, enabled: [] })).enabled).toEqual([]);
  });

  it.each([
    [{ version: 2 }, '"version" must be 1'],
    [{ version: 1, enabled: ['Bad Name'] }, '"enabled" must be a list of server names'],
    [{ version: 1, servers: { acme: { ...acme, name: 'other' } } }, 'servers.acme: "name" must be "acme"'],
    [{ version: 1, secrets: { nodot: 'op://a/b/c' } }, 'invalid secret name'],
    [{ version: 1, secrets: { 'a.b': 42 } }, 'secrets.a.b must be a reference string'],
    [{ version: 1, apiKey: 'x' }, 'unknown field "apiKey"'],
  ])('refuses %j: %s', (data, problem) => {
    const error = refusal(data);
    expect(error.code).toBe('project_invalid');
    expect(error.exitCode).toBe(6);
    expect(error.message).toContain(problem);
  });

  it('refuses a literal value under secrets, naming the key and never the value', () => {
    for (const value of ['hunter2', 'https://example.com/token', 'sk-abc123']) {
      const error = refusal({ version: 1, secrets: { 'neon.api_key': value } });
      expect(error.code).toBe('literal_credential');
      expect(error.message).toContain('secrets.neon.api_key');
      expect(`${error.message} ${error.hint}`).not.toContain(value);
    }
  });

  it('does not parse JSON with a message that quotes the text', () => {
    const error = (() => {
      try {
        parseProject('{"version": 1, "secrets": {"a.b": sk_live_quoted}}', '/repo/mcpkey.json');
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('parsed');
    })();
    expect(error.code).toBe('project_invalid');
    expect(error.message).not.toContain('sk_live_quoted');
  });
});

describe('literalCredentialIn', () => {
  const stdio = (env: Record<string, string>, args: string[] = []): CatalogEntry => ({ ...acme, transport: { type: 'stdio', command: 'npx', args, env } });
  const remote = (url: string, headers: Record<string, string> = {}): CatalogEntry => ({ ...acme, transport: { type: 'remote', url, transport: 'streamable-http', headers } });

  it('finds keys in env, args, URLs, headers and fields mcpkey does not read', () => {
    expect(literalCredentialIn(stdio({ API_KEY: 'abcdefgh1234' }))).toBe('transport.env.API_KEY');
    expect(literalCredentialIn(stdio({ ANYTHING: 'ghp_abcdefghijklmnop' }))).toBe('transport.env.ANYTHING');
    expect(literalCredentialIn(stdio({}, ['-y', 'pg', 'postgresql://u:pw@db/app']))).toBe('transport.args[2]');
    expect(literalCredentialIn(remote('https://u:p@mcp.example.com/mcp'))).toBe('transport.url');
    expect(literalCredentialIn(remote('https://mcp.example.com/mcp?api_key=abc'))).toBe('transport.url (query parameter api_key)');
    expect(literalCredentialIn(remote('https://mcp.example.com/mcp', { 'X-Api-Key': 'abc' }))).toBe('transport.headers.X-Api-Key');
    expect(literalCredentialIn(remote('https://mcp.example.com/mcp', { 'X-Team': 'sk-live-123' }))).toBe('transport.headers.X-Team');
    expect(literalCredentialIn({ ...acme, token: 'abc' } as CatalogEntry)).toBe('token');
    expect(literalCredentialIn({ ...acme, oauth: { clientId: 'public-id', clientSecret: 'abc' } as never })).toBe('oauth.clientSecret');
  });

  it('leaves templates, short settings, paths and plain URLs alone', () => {
    expect(literalCredentialIn(stdio({ AUTH_MODE: 'oauth', TOKEN_FILE: '/run/secrets/token', API_BASE: 'https://api.example.com', TOKEN: '${ACME_API_KEY}' }))).toBeUndefined();
    expect(literalCredentialIn(stdio({}, ['/opt/very/long/path/to/node_modules/2026/server/index.js', '${ACME_API_KEY}']))).toBeUndefined();
    expect(literalCredentialIn(remote('https://mcp.example.com/mcp?region=eu', { Authorization: 'Bearer ${ACME_API_KEY}' }))).toBeUndefined();
    expect(literalCredentialIn(acme)).toBeUndefined();
  });
});

describe('layering', () => {
  it('project entries win over the user\'s and the built-in ones, and say where they come from', () => {
    const user = { ...acme, title: 'User Acme' };
    const memory = { ...acme, name: 'memory', secrets: [] };
    const catalog = layeredCatalog({ servers: { acme: user } }, parse({ version: 1, servers: { acme, memory } }));
    expect(catalog.find((entry) => entry.name === 'acme')).toMatchObject({ source: 'project', title: 'Acme' });
    expect(catalog.find((entry) => entry.name === 'memory')).toMatchObject({ source: 'project' });
    expect(mergeCatalog({ acme: user }).find((entry) => entry.name === 'acme')).toMatchObject({ source: 'user' });
  });

  it('finds the nearest mcpkey.json upwards; MCPKEY_NO_PROJECT=1 turns it off; MCPKEY_PROJECT_FILE names one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcpkey-project-'));
    try {
      const deep = join(dir, 'repo', 'a', 'b');
      await mkdir(deep, { recursive: true });
      await writeFile(join(dir, 'repo', 'mcpkey.json'), JSON.stringify({ version: 1, enabled: ['memory'] }));
      expect((await loadProject(deep, {}))?.file).toBe(join(dir, 'repo', 'mcpkey.json'));
      expect(await loadProject(deep, { MCPKEY_NO_PROJECT: '1' })).toBeUndefined();
      expect(await loadProject(dir, {})).toBeUndefined();
      await expect(loadProject(dir, { MCPKEY_PROJECT_FILE: 'nope.json' })).rejects.toMatchObject({ code: 'project_file_missing', exitCode: 3 });
      expect((await loadProject(dir, { MCPKEY_PROJECT_FILE: 'repo/mcpkey.json' }))?.enabled).toEqual(['memory']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('project references in the secret chain', () => {
  let calls: string[];
  const values: Record<string, string> = { 'op://Dev/Acme/credential': 'from-the-store' };
  /** A stand-in for the store session (src/core/stores/registry.ts): records calls, fails like a store that wants a sign-in. */
  const stores = {
    resolve: async (reference: SecretReference) => {
      calls.push(reference.text);
      const value = values[reference.text];
      if (value === undefined) throw new NotReadyError(`cannot resolve ${reference.text}: not signed in`, [], 'op signin', 'store_not_signed_in');
      return value;
    },
  } as unknown as StoreSession;
  const grants = { status: async () => ({ status: 'not-authorized' as const }), clear: async () => false };
  const host = { hasCommand: () => true, nodeVersion: '22.0.0' };
  beforeEach(() => {
    calls = [];
  });

  function resolver(project: ProjectData, options: { env?: Record<string, string>; file?: Record<string, string>; keychain?: Record<string, string> } = {}) {
    return new SecretResolver({
      env: options.env ?? {},
      envFile: options.file ? { path: '/repo/.env.mcp', values: new Map(Object.entries(options.file)), warnings: [] } : undefined,
      keychain: new MemoryKeychain(options.keychain ?? {}),
      catalog: layeredCatalog({ servers: {} }, project),
      project,
      stores,
    });
  }

  const project = (reference = 'op://Dev/Acme/credential') => parse({ version: 1, enabled: ['acme'], servers: { acme }, secrets: { 'acme.api_key': reference } });

  it('env → .env.mcp → project → keychain; the reference is located without a store call, resolved where the value is needed', async () => {
    expect(await resolver(project(), { env: { ACME_API_KEY: 'e' }, file: { ACME_API_KEY: 'f' }, keychain: { 'acme.api_key': 'k' } }).resolve('acme.api_key')).toMatchObject({ value: 'e', source: 'env' });
    expect(await resolver(project(), { file: { ACME_API_KEY: 'f' }, keychain: { 'acme.api_key': 'k' } }).resolve('acme.api_key')).toMatchObject({ value: 'f', source: '.env.mcp' });
    expect(calls).toEqual([]);
    const chain = resolver(project(), { keychain: { 'acme.api_key': 'k' } });
    expect(await chain.locate('acme.api_key')).toMatchObject({ source: 'project', reference: { text: 'op://Dev/Acme/credential' } });
    expect(calls).toEqual([]);
    expect(await chain.resolve('acme.api_key')).toMatchObject({ value: 'from-the-store', source: 'project' });
    expect(calls).toEqual(['op://Dev/Acme/credential']);
    expect((await chain.lookupAll('acme.api_key')).map((found) => found.source)).toEqual(['project', 'keychain']);
    expect(await chain.knownNames()).toContain('acme.api_key');
  });

  it('a store that fails is an error where the value is needed, and a missing item in project check, with the store\'s next step', async () => {
    const failing = project('op://Dev/Gone/credential');
    const chain = resolver(failing, { keychain: { 'acme.api_key': 'k' } });
    await expect(chain.resolve('acme.api_key')).rejects.toMatchObject({ code: 'store_not_signed_in' });
    const result = await checkProject({ project: failing, catalog: layeredCatalog({ servers: {} }, failing), resolver: chain, grants, host });
    expect(result.ready).toBe(false);
    expect(result.servers[0]).toMatchObject({
      name: 'acme',
      ready: false,
      missing: [{ type: 'reference', name: 'acme.api_key', env: 'ACME_API_KEY', reference: 'op://Dev/Gone/credential', code: 'store_not_signed_in', problem: 'cannot resolve op://Dev/Gone/credential: not signed in' }],
      nextSteps: ['op signin'],
    });
    const fine = await checkProject({ project: project(), catalog: layeredCatalog({ servers: {} }, project()), resolver: resolver(project()), grants, host });
    expect(fine).toMatchObject({ ready: true, servers: [{ name: 'acme', ready: true, missing: [] }] });
    expect(JSON.stringify(fine)).not.toContain('from-the-store');
  });
});
