import { describe, expect, it } from 'vitest';
import { addServer, buildEntry, type AddOptions } from '../../src/commands/server/add.js';
import { classify } from '../../src/core/auth/classify.js';
import type { RemoteTransport, StdioTransport } from '../../src/core/catalog/types.js';
import { validateEntry } from '../../src/core/catalog/validate.js';
import { emptyConfig, type ConfigData } from '../../src/core/config/store.js';
import { UsageError } from '../../src/core/errors.js';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

function remoteOf(options: AddOptions, name = 'acme'): RemoteTransport {
  const { transport } = buildEntry(name, [], options);
  if (transport.type !== 'remote') throw new Error('expected a remote transport');
  return transport;
}

function stdioOf(command: string[], options: AddOptions = {}, name = 'acme'): StdioTransport {
  const { transport } = buildEntry(name, command, options);
  if (transport.type !== 'stdio') throw new Error('expected a stdio transport');
  return transport;
}

describe('buildEntry: local servers', () => {
  it('the command after -- becomes a stdio entry', () => {
    const entry = buildEntry('acme', ['npx', '-y', '@acme/mcp-server', '--flag'], {});
    expect(entry).toEqual({
      name: 'acme',
      title: 'acme',
      description: 'Runs npx -y @acme/mcp-server --flag',
      transport: { type: 'stdio', command: 'npx', args: ['-y', '@acme/mcp-server', '--flag'] },
      secrets: [],
    });
    expect('oauth' in entry).toBe(false);
    expect(validateEntry(entry, 'acme')).toBeUndefined();
    expect(classify({ ...entry, source: 'user' })).toBe('none');
  });

  it('uses --title and --description', () => {
    const entry = buildEntry('acme', ['acme-mcp'], { title: 'Acme', description: 'Does acme things' });
    expect(entry.title).toBe('Acme');
    expect(entry.description).toBe('Does acme things');
  });

  it('--secret api_key → <name>.api_key with the mechanical env name', () => {
    const entry = buildEntry('acme-corp', ['acme'], { secret: ['api_key'] });
    expect(entry.secrets).toEqual([{ name: 'acme-corp.api_key', env: 'ACME_CORP_API_KEY', description: expect.any(String) }]);
    expect(classify({ ...entry, source: 'user' })).toBe('api-key');
  });

  it('--secret key:ENV uses the given variable', () => {
    const entry = buildEntry('acme', ['acme'], { secret: ['api_key:MY_ACME_TOKEN', 'region:ACME_REGION'] });
    expect(entry.secrets.map((s) => [s.name, s.env])).toEqual([
      ['acme.api_key', 'MY_ACME_TOKEN'],
      ['acme.region', 'ACME_REGION'],
    ]);
  });

  it('--secret with the server prefix already given is not doubled', () => {
    expect(buildEntry('acme', ['acme'], { secret: ['acme.api_key'] }).secrets[0]?.name).toBe('acme.api_key');
    expect(buildEntry('acme', ['acme'], { secret: ['jira.api_token'] }).secrets[0]).toMatchObject({
      name: 'acme.jira.api_token',
      env: 'ACME_JIRA_API_TOKEN',
    });
  });

  it('rejects an invalid secret key or env name', () => {
    expect(usageError(() => buildEntry('acme', ['acme'], { secret: ['bad key'] })).code).toBe('invalid_secret_name');
    expect(usageError(() => buildEntry('acme', ['acme'], { secret: ['key.'] })).code).toBe('invalid_secret_name');
    expect(usageError(() => buildEntry('acme', ['acme'], { secret: ['key:BAD-ENV'] })).code).toBe('invalid_env_name');
    expect(usageError(() => buildEntry('acme', ['acme'], { secret: ['key:'] })).code).toBe('invalid_env_name');
  });

  it('does not echo a value typed as --secret key=value', () => {
    const error = usageError(() => buildEntry('acme', ['acme'], { secret: ['api_key=sk-live-topsecret'] }));
    expect(error.message).not.toContain('sk-live-topsecret');
  });

  it('a ${X} placeholder needs a matching --secret', () => {
    const error = usageError(() => buildEntry('pg', ['npx', 'server-postgres', '${PG_URL}'], {}));
    expect(error.code).toBe('unknown_placeholder');
    expect(error.message).toContain('PG_URL');
    expect(usageError(() => buildEntry('pg', ['server', '--url=${OTHER}'], { secret: ['url:PG_URL'] })).code).toBe('unknown_placeholder');
    const ok = stdioOf(['npx', 'server-postgres', '${PG_URL}'], { secret: ['url:PG_URL'] }, 'pg');
    expect(ok.args).toEqual(['server-postgres', '${PG_URL}']);
    // The mechanical name works too.
    expect(stdioOf(['srv', '${PG_URL}'], { secret: ['url'] }, 'pg').args).toEqual(['${PG_URL}']);
  });

  it('--env NAME=VALUE sets plain environment', () => {
    expect(stdioOf(['acme'], { env: ['ACME_REGION=eu', 'DEBUG=a=b'] }).env).toEqual({ ACME_REGION: 'eu', DEBUG: 'a=b' });
    expect(stdioOf(['acme'], { env: [] }).env).toBeUndefined();
    expect(usageError(() => buildEntry('acme', ['acme'], { env: ['NOEQUALS'] })).code).toBe('invalid_option');
    expect(usageError(() => buildEntry('acme', ['acme'], { env: ['BAD-NAME=1'] })).code).toBe('invalid_option');
    expect(usageError(() => buildEntry('acme', ['acme'], { env: ['=1'] })).code).toBe('invalid_option');
  });

  it.each<[string, AddOptions, string]>([
    ['--client-id', { clientId: 'abc' }, '--client-id'],
    ['--scope', { scope: 'read' }, '--scope'],
    ['--header', { header: ['X-Key: v'] }, '--header'],
    ['--transport', { transport: 'sse' }, '--transport'],
  ])('%s on a local server is refused', (_label, options, flag) => {
    const error = usageError(() => buildEntry('acme', ['acme'], options));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toContain(flag);
    expect(error.message).toContain('remote servers only');
  });

  it('an empty --header list on a local server is fine', () => {
    expect(stdioOf(['acme'], { header: [] }).command).toBe('acme');
  });
});

describe('buildEntry: name and transport choice', () => {
  it('rejects an invalid server name', () => {
    expect(usageError(() => buildEntry('Acme', ['acme'], {})).code).toBe('invalid_server_name');
    expect(usageError(() => buildEntry('my server', ['acme'], {})).code).toBe('invalid_server_name');
  });

  it('both --url and a command → UsageError', () => {
    const error = usageError(() => buildEntry('acme', ['acme'], { url: 'https://mcp.example.com/mcp' }));
    expect(error.code).toBe('ambiguous_transport');
  });

  it('neither → UsageError missing_transport', () => {
    const error = usageError(() => buildEntry('acme', [], {}));
    expect(error.code).toBe('missing_transport');
    expect(error.hint).toContain('--');
  });
});

describe('buildEntry: remote servers', () => {
  it('--url https → a streamable-http remote entry', () => {
    const entry = buildEntry('tracker', [], { url: 'https://mcp.tracker.example/mcp' });
    expect(entry).toEqual({
      name: 'tracker',
      title: 'tracker',
      description: 'Remote MCP server at https://mcp.tracker.example/mcp',
      transport: { type: 'remote', url: 'https://mcp.tracker.example/mcp', transport: 'streamable-http' },
      secrets: [],
    });
    expect(validateEntry(entry, 'tracker')).toBeUndefined();
    expect(classify({ ...entry, source: 'user' })).toBe('oauth');
  });

  it('--transport sse is kept; an unknown transport is refused', () => {
    expect(remoteOf({ url: 'https://legacy.example/sse', transport: 'sse' }).transport).toBe('sse');
    expect(usageError(() => buildEntry('acme', [], { url: 'https://x.example/mcp', transport: 'websocket' })).code).toBe('invalid_option');
  });

  it('keeps a trailing slash and the query', () => {
    expect(remoteOf({ url: 'https://api.githubcopilot.com/mcp/' }).url).toBe('https://api.githubcopilot.com/mcp/');
    expect(remoteOf({ url: 'https://mcp.supabase.com/mcp?read_only=true' }).url).toBe('https://mcp.supabase.com/mcp?read_only=true');
  });

  it.each(['http://mcp.example.com/mcp', 'http://10.0.0.5:8080/mcp', 'http://127.0.0.1.nip.io/mcp', 'ftp://mcp.example.com/', 'ws://mcp.example.com/'])(
    'refuses the insecure URL %s',
    (url) => {
      const error = usageError(() => buildEntry('acme', [], { url }));
      expect(error.code).toBe('insecure_url');
    },
  );

  it.each(['http://127.0.0.1:8080/mcp', 'http://localhost:3000/mcp', 'http://[::1]:9000/mcp'])('allows plain http on loopback: %s', (url) => {
    expect(remoteOf({ url }).url).toBe(url);
  });

  it('refuses an unparsable URL', () => {
    expect(usageError(() => buildEntry('acme', [], { url: 'not a url' })).code).toBe('invalid_url');
  });

  it('refuses a URL with credentials, without echoing them', () => {
    for (const url of ['https://alice:hunter2@mcp.example.com/mcp', 'https://tokenonly@mcp.example.com/mcp', 'http://bob:hunter2@127.0.0.1:8080/mcp']) {
      const error = usageError(() => buildEntry('acme', [], { url }));
      expect(error.code).toBe('insecure_url');
      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('tokenonly');
    }
  });

  it('never echoes the password of a refused non-https URL', () => {
    const error = usageError(() => buildEntry('acme', [], { url: 'http://alice:hunter2@mcp.example.com/mcp' }));
    expect(error.code).toBe('insecure_url');
    expect(error.message).not.toContain('hunter2');
    expect(String(error.hint)).not.toContain('hunter2');
  });

  it('one secret and no header → Authorization: Bearer ${ENV}', () => {
    const entry = buildEntry('acme', [], { url: 'https://mcp.acme.example/mcp', secret: ['api_key'] });
    expect(entry.secrets.map((s) => [s.name, s.env])).toEqual([['acme.api_key', 'ACME_API_KEY']]);
    expect((entry.transport as RemoteTransport).headers).toEqual({ Authorization: 'Bearer ${ACME_API_KEY}' });
    expect(remoteOf({ url: 'https://mcp.acme.example/mcp', secret: ['token:ACME_TOKEN'] }).headers).toEqual({
      Authorization: 'Bearer ${ACME_TOKEN}',
    });
  });

  it('explicit --header templates are kept and checked', () => {
    expect(
      remoteOf({ url: 'https://mcp.acme.example/mcp', secret: ['key:ACME_KEY'], header: ['X-Api-Key: ${ACME_KEY}', 'X-Plain:  yes '] }).headers,
    ).toEqual({ 'X-Api-Key': '${ACME_KEY}', 'X-Plain': 'yes' });
    const error = usageError(() => buildEntry('acme', [], { url: 'https://mcp.acme.example/mcp', header: ['X-Api-Key: ${MISSING}'] }));
    expect(error.code).toBe('unknown_placeholder');
    expect(usageError(() => buildEntry('acme', [], { url: 'https://x.example/mcp', header: ['Bad Header: v'] })).code).toBe('invalid_option');
    expect(usageError(() => buildEntry('acme', [], { url: 'https://x.example/mcp', header: ['no-colon'] })).code).toBe('invalid_option');
  });

  it('several secrets without a header template are refused', () => {
    const error = usageError(() => buildEntry('acme', [], { url: 'https://x.example/mcp', secret: ['a', 'b'] }));
    expect(error.code).toBe('invalid_option');
  });

  it('--no-auth → oauth false, kind none', () => {
    const entry = buildEntry('docs', [], { url: 'https://docs.example/mcp', auth: false });
    expect(entry.oauth).toBe(false);
    expect(classify({ ...entry, source: 'user' })).toBe('none');
    expect(usageError(() => buildEntry('docs', [], { url: 'https://docs.example/mcp', auth: false, clientId: 'x' })).code).toBe('invalid_option');
    expect(usageError(() => buildEntry('docs', [], { url: 'https://docs.example/mcp', auth: false, scope: 'x' })).code).toBe('invalid_option');
  });

  it('auth true (the commander default) adds no oauth field', () => {
    expect('oauth' in buildEntry('acme', [], { url: 'https://x.example/mcp', auth: true })).toBe(false);
  });

  it('--client-id and --scope → an oauth spec', () => {
    expect(buildEntry('gh', [], { url: 'https://api.githubcopilot.com/mcp/', clientId: 'Iv1.abc' }).oauth).toEqual({ clientId: 'Iv1.abc' });
    expect(buildEntry('gl', [], { url: 'https://gitlab.com/api/v4/mcp', scope: 'mcp' }).oauth).toEqual({ scopes: ['mcp'] });
    expect(buildEntry('x', [], { url: 'https://x.example/mcp', clientId: 'c', scope: 'read write,admin  ' }).oauth).toEqual({
      clientId: 'c',
      scopes: ['read', 'write', 'admin'],
    });
  });

  it('a remote entry with a secret and --client-id needs both (kind oauth)', () => {
    const entry = buildEntry('x', [], { url: 'https://x.example/mcp', secret: ['key'], clientId: 'c' });
    expect(classify({ ...entry, source: 'user' })).toBe('oauth');
    expect(buildEntry('y', [], { url: 'https://x.example/mcp', secret: ['key'] }).oauth).toBeUndefined();
    expect(classify({ ...buildEntry('y', [], { url: 'https://x.example/mcp', secret: ['key'] }), source: 'user' })).toBe('api-key');
  });

  it('--env on a remote server is refused', () => {
    const error = usageError(() => buildEntry('acme', [], { url: 'https://x.example/mcp', env: ['A=1'] }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toContain('--env');
  });
});

describe('addServer', () => {
  function fakeStore(initial: ConfigData = emptyConfig()) {
    const config = initial;
    return {
      config,
      updateConfig: async <T>(mutate: (c: ConfigData) => T): Promise<T> => mutate(config),
    };
  }

  it('stores the entry and reports its kind', async () => {
    const store = fakeStore();
    const result = await addServer('acme', [], { url: 'https://x.example/mcp', secret: ['key'] }, store);
    expect(result).toMatchObject({ name: 'acme', kind: 'api-key', replaced: undefined });
    expect(store.config.servers.acme).toEqual(result.entry);
  });

  it('refuses to replace a built-in or an existing entry without --force', async () => {
    const store = fakeStore();
    await expect(addServer('neon', ['my-neon'], {}, store)).rejects.toMatchObject({ code: 'server_exists' });
    expect(store.config.servers.neon).toBeUndefined();
    await addServer('acme', ['a'], {}, store);
    await expect(addServer('acme', ['b'], {}, store)).rejects.toMatchObject({ code: 'server_exists' });
    expect((store.config.servers.acme?.transport as StdioTransport).command).toBe('a');
  });

  it('replaces with --force and says what it replaced', async () => {
    const store = fakeStore();
    await expect(addServer('neon', ['my-neon'], { force: true }, store)).resolves.toMatchObject({ replaced: 'builtin' });
    await expect(addServer('neon', ['my-neon2'], { force: true }, store)).resolves.toMatchObject({ replaced: 'user' });
    expect((store.config.servers.neon?.transport as StdioTransport).command).toBe('my-neon2');
  });

  it('validates before touching the config', async () => {
    let called = false;
    await expect(
      addServer('acme', [], {}, {
        updateConfig: async <T>(mutate: (c: ConfigData) => T) => {
          called = true;
          return mutate(emptyConfig());
        },
      }),
    ).rejects.toMatchObject({ code: 'missing_transport' });
    expect(called).toBe(false);
  });
});
