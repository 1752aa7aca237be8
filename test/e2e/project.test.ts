import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';
import { boolean, expectSchema, kind, missingItem, object, oauthStatus, entrySource, serverList, string, strings, type Schema } from './json-schemas.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();

/** docs/json.md's `project check --json`. */
const projectMissingItem: Schema = {
  oneOf: [
    ...(missingItem as { oneOf: Schema[] }).oneOf,
    object({ type: { type: 'string', enum: ['reference'] }, name: string, env: string, reference: string, code: string, problem: string }),
    object({ type: { type: 'string', enum: ['entry'] } }),
  ],
};
const projectCheck = object({
  file: string,
  ready: boolean,
  servers: { type: 'array', items: object({ name: string, source: entrySource, kind, ready: boolean, missing: { type: 'array', items: projectMissingItem }, nextSteps: strings, oauth: oauthStatus }, ['source', 'kind', 'oauth']) },
  warnings: strings,
});
const projectInit = object({
  file: string,
  replaced: boolean,
  enabled: strings,
  servers: strings,
  secrets: { type: 'object', values: string },
  needsReference: { type: 'array', items: object({ name: string, env: string, server: string, storedIn: string }, ['storedIn']) },
  warnings: strings,
});

const acme = {
  name: 'acme',
  title: 'Acme',
  description: 'the team server',
  transport: { type: 'stdio', command: 'npx', args: ['-y', '@acme/mcp'] },
  secrets: [{ name: 'acme.api_key', env: 'ACME_API_KEY', description: 'Acme key' }],
};
const missingLauncher = {
  name: 'legacy',
  title: 'Legacy',
  description: 'needs a program this machine lacks',
  transport: { type: 'stdio', command: 'mcpkey-test-no-such-launcher', args: [] },
  secrets: [],
};

/** A repository with the project file at its root and a subdirectory to run from. */
async function repo(project: unknown, envFile?: string): Promise<{ root: string; sub: string }> {
  const root = join(sandbox.cwd, 'repo');
  const sub = join(root, 'packages', 'app');
  await mkdir(sub, { recursive: true });
  await writeFile(join(root, 'mcpkey.json'), typeof project === 'string' ? project : JSON.stringify(project, null, 2));
  if (envFile !== undefined) await writeFile(join(root, '.env.mcp'), envFile);
  return { root, sub };
}

const teamProject = {
  version: 1,
  enabled: ['memory', 'brave', 'acme', 'linear', 'legacy', 'ghost'],
  servers: { acme, legacy: missingLauncher },
  secrets: { 'brave.api_key': 'pass://team/brave', 'acme.api_key': 'op://Dev/Acme/credential' },
};

describe('project check on a new machine (empty keychain)', () => {
  it('names, per server, exactly what is missing and the next command; exit 4; found from a subdirectory', async () => {
    const { root, sub } = await repo(teamProject);
    const result = await sandbox.run(['project', 'check', '--json'], { cwd: sub });
    expect(result.code).toBe(4);
    const data = JSON.parse(result.stdout);
    expectSchema(data, projectCheck);
    expect(data.file).toBe(join(root, 'mcpkey.json'));
    expect(data.ready).toBe(false);
    const byName = Object.fromEntries(data.servers.map((server: { name: string }) => [server.name, server]));
    expect(data.servers.map((server: { name: string }) => server.name)).toEqual(teamProject.enabled);
    expect(byName.memory).toMatchObject({ source: 'builtin', ready: true, missing: [] });
    // The reference is there but this machine cannot resolve it (no pass store set up here).
    expect(byName.brave).toMatchObject({ ready: false, missing: [{ type: 'reference', name: 'brave.api_key', env: 'BRAVE_API_KEY', reference: 'pass://team/brave' }] });
    expect(byName.brave.missing[0].code).toMatch(/^[a-z_]+$/);
    expect(byName.acme).toMatchObject({ source: 'project', kind: 'api-key', missing: [{ type: 'reference', name: 'acme.api_key', reference: 'op://Dev/Acme/credential' }] });
    expect(byName.linear).toMatchObject({ kind: 'oauth', missing: [{ type: 'oauth' }], nextSteps: ['mcpkey oauth authorize linear'], oauth: { status: 'not-authorized' } });
    expect(byName.legacy).toMatchObject({ source: 'project', missing: [{ type: 'launcher', command: 'mcpkey-test-no-such-launcher' }] });
    expect(byName.ghost).toMatchObject({ ready: false, missing: [{ type: 'entry' }] });
    expect(byName.ghost.nextSteps[0]).toContain('"ghost"');

    const text = await sandbox.run(['project', 'check'], { cwd: sub });
    expect(text.code).toBe(4);
    expect(text.stdout).toMatch(/^ok {3}memory$/m);
    expect(text.stdout).toMatch(/^MISS linear: missing oauth authorization$/m);
    expect(text.stdout).toContain('next: mcpkey oauth authorize linear');
    expect(text.stdout).toMatch(/5 of 6 servers need something on this machine/);
  });

  it('a local value stands in: .env.mcp before the project reference, the keychain after it; all ready → exit 0', async () => {
    const project = { version: 1, enabled: ['memory', 'brave', 'acme'], servers: { acme }, secrets: { 'brave.api_key': 'pass://team/brave' } };
    const { sub, root } = await repo(project, 'BRAVE_API_KEY=brave-local-value\n');
    expect((await sandbox.run(['secret', 'set', 'acme.api_key'], { input: 'acme-keychain-value\n', cwd: sub })).code).toBe(0);
    // From a subdirectory without its own .env.mcp, the one next to mcpkey.json is read.
    const result = await sandbox.run(['project', 'check', '--json'], { cwd: sub });
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout);
    expectSchema(data, projectCheck);
    expect(data.ready).toBe(true);
    const inspect = JSON.parse((await sandbox.run(['server', 'inspect', 'brave', '--json'], { cwd: sub })).stdout);
    expect(inspect.secrets[0]).toMatchObject({ name: 'brave.api_key', present: true, source: '.env.mcp' });
    // A .env.mcp of the working directory itself comes first.
    await writeFile(join(sub, '.env.mcp'), 'OTHER=1\n');
    expect(JSON.parse((await sandbox.run(['project', 'check', '--json'], { cwd: sub })).stdout).servers[1]).toMatchObject({ name: 'brave', ready: false });
    expect((await sandbox.run(['project', 'check'], { cwd: root })).code).toBe(0);
    expect(JSON.stringify(sandbox.transcript)).not.toContain('brave-local-value');
    expect(JSON.stringify(sandbox.transcript)).not.toContain('acme-keychain-value');
  });

  it('outside a project: exit 3 with the command that makes one', async () => {
    const result = await sandbox.run(['project', 'check', '--json']);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr.trim().split('\n').pop()!).error).toMatchObject({ code: 'project_not_found', exitCode: 3 });
    expect(result.stderr).toContain('mcpkey project init');
  });
});

describe('a project file with a literal credential is refused', () => {
  const cases: Array<[string, (value: string) => unknown, string]> = [
    ['a value under secrets', (value) => ({ version: 1, secrets: { 'brave.api_key': value } }), 'secrets.brave.api_key'],
    ['an env value of an entry', (value) => ({ version: 1, servers: { acme: { ...acme, transport: { ...acme.transport, env: { ACME_API_KEY: value } } } } }), 'servers.acme.transport.env.ACME_API_KEY'],
    [
      'a header of a remote entry',
      (value) => ({ version: 1, servers: { remote: { name: 'remote', title: 'R', description: 'r', transport: { type: 'remote', url: 'https://mcp.example.com/mcp', transport: 'streamable-http', headers: { Authorization: `Bearer ${value}` } }, secrets: [] } } }),
      'servers.remote.transport.headers.Authorization',
    ],
    ['a URL password in an argument', (value) => ({ version: 1, servers: { pg: { ...acme, name: 'pg', transport: { type: 'stdio', command: 'npx', args: ['server-postgres', `postgresql://app:${value}@db/app`] } } } }), 'servers.pg.transport.args[1]'],
  ];
  for (const [what, project, where] of cases) {
    it(`${what}: exit 6, one line naming ${where}, never the value`, async () => {
      const value = 'sk_live_canary7Q9x2LmZ8v';
      const { sub } = await repo(project(value));
      for (const args of [['server', 'list'], ['project', 'check'], ['run', 'memory', '--dry-run']]) {
        const result = await sandbox.run(args, { cwd: sub });
        expect(result.code, args.join(' ')).toBe(6);
        expect(result.stdout).toBe('');
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain(where);
        expect(result.stderr).toContain('literal credential');
        expect(result.stderr).not.toContain(value);
      }
      const json = await sandbox.run(['server', 'list', '--json'], { cwd: sub });
      expect(JSON.parse(json.stderr.trim()).error).toMatchObject({ code: 'literal_credential', exitCode: 6 });
    });
  }

  it('an unknown scheme is an error too, and plain settings that merely mention a key are not refused', async () => {
    const { sub, root } = await repo({ version: 1, secrets: { 'brave.api_key': 'onepassword://Dev/Brave' } });
    const unknown = await sandbox.run(['server', 'list', '--json'], { cwd: sub });
    expect(unknown.code).toBe(6);
    const error = JSON.parse(unknown.stderr.trim()).error;
    expect(error).toMatchObject({ code: 'project_invalid', exitCode: 6 });
    expect(error.message).toContain('secrets.brave.api_key: unknown reference scheme "onepassword"');
    const plain = { ...acme, transport: { ...acme.transport, env: { AUTH_MODE: 'oauth', TOKEN_FILE: '/run/secrets/acme', LOG_LEVEL: 'debug' } } };
    await writeFile(join(root, 'mcpkey.json'), JSON.stringify({ version: 1, servers: { acme: plain } }));
    expect((await sandbox.run(['server', 'list'], { cwd: sub })).code).toBe(0);
  });
});

describe('layering over the user config', () => {
  it('server list: the source of each entry, the project entry wins, the enabled set is the project\'s', async () => {
    expect((await sandbox.run(['server', 'add', 'mine', '--', 'npx', '-y', 'mine-mcp'])).code).toBe(0);
    expect((await sandbox.run(['server', 'add', 'acme', '--title', 'User Acme', '--', 'npx', '-y', 'user-acme'])).code).toBe(0);
    expect((await sandbox.run(['server', 'enable', 'mine'])).code).toBe(0);
    const { sub } = await repo({ version: 1, enabled: ['memory', 'acme'], servers: { acme } });

    const inside = JSON.parse((await sandbox.run(['server', 'list', '--json'], { cwd: sub })).stdout);
    expectSchema(inside, serverList);
    const byName = Object.fromEntries(inside.servers.map((server: { name: string }) => [server.name, server]));
    expect(byName.memory).toMatchObject({ source: 'builtin', enabled: true });
    expect(byName.mine).toMatchObject({ source: 'user', enabled: false });
    expect(byName.acme).toMatchObject({ source: 'project', title: 'Acme', enabled: true, transport: { args: ['-y', '@acme/mcp'] } });
    const table = (await sandbox.run(['server', 'list'], { cwd: sub })).stdout;
    expect(table).toMatch(/^acme \(project\)\s+api-key\s+yes\s+missing acme\.api_key$/m);
    expect(table).toMatch(/^mine \(user\)\s+none\s+no\s+/m);

    // Outside the project, the user's own setup, untouched.
    const outside = JSON.parse((await sandbox.run(['server', 'list', '--json'])).stdout);
    const outsideByName = Object.fromEntries(outside.servers.map((server: { name: string }) => [server.name, server]));
    expect(outsideByName.acme).toMatchObject({ source: 'user', title: 'User Acme', enabled: false });
    expect(outsideByName.mine).toMatchObject({ enabled: true });
  });

  it('client config --write inside a project wires the project\'s servers', async () => {
    expect((await sandbox.run(['server', 'enable', 'fetch'])).code).toBe(0);
    const { root } = await repo({ version: 1, enabled: ['memory', 'acme'], servers: { acme } });
    const result = await sandbox.run(['client', 'config', 'claude-code', '--write', '--json'], { cwd: root });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).servers.map((server: { name: string }) => server.name)).toEqual(['memory', 'acme']);
    const written = JSON.parse(await readFile(join(root, '.mcp.json'), 'utf8'));
    expect(Object.keys(written.mcpServers)).toEqual(['memory', 'acme']);
    expect(written.mcpServers.acme.args).toEqual(['run', 'acme']);
    expect(JSON.parse(result.stdout).warnings.join('\n')).not.toContain('mcpkey.json');
    // A user-wide client file would start mcpkey outside the project, where acme does not exist: said once.
    const userWide = await sandbox.run(['client', 'config', 'cursor', '--json'], { cwd: root });
    expect(userWide.code).toBe(0);
    expect(JSON.parse(userWide.stdout).warnings).toContainEqual(expect.stringMatching(/^acme is defined by this project's mcpkey\.json, .*\(--project\)$/));
  });
});

describe('project init', () => {
  it('writes the enabled servers, the user entries and references only; values become a "needs" list', async () => {
    const keyValue = 'acme-value-never-in-the-file';
    expect((await sandbox.run(['server', 'add', 'acme', '--secret', 'api_key:ACME_API_KEY', '--', 'npx', '-y', '@acme/mcp'])).code).toBe(0);
    expect((await sandbox.run(['secret', 'set', 'acme.api_key'], { input: `${keyValue}\n` })).code).toBe(0);
    for (const name of ['memory', 'acme']) expect((await sandbox.run(['server', 'enable', name])).code).toBe(0);
    expect((await sandbox.run(['server', 'enable', 'brave'], { env: { BRAVE_API_KEY: 'from-the-env' } })).code).toBe(0);
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'BRAVE_API_KEY=op://Dev/Brave/credential\n');

    const result = await sandbox.run(['project', 'init', '--json']);
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout);
    expectSchema(data, projectInit);
    expect(data).toMatchObject({
      file: join(sandbox.cwd, 'mcpkey.json'),
      replaced: false,
      enabled: ['memory', 'acme', 'brave'],
      servers: ['acme'],
      secrets: { 'brave.api_key': 'op://Dev/Brave/credential' },
      needsReference: [{ name: 'acme.api_key', env: 'ACME_API_KEY', server: 'acme', storedIn: 'keychain' }],
    });
    const file = await readFile(join(sandbox.cwd, 'mcpkey.json'), 'utf8');
    expect(file).not.toContain(keyValue);
    expect(JSON.parse(file)).toEqual({
      version: 1,
      enabled: ['memory', 'acme', 'brave'],
      servers: { acme: expect.objectContaining({ name: 'acme', transport: { type: 'stdio', command: 'npx', args: ['-y', '@acme/mcp'] } }) },
      secrets: { 'brave.api_key': 'op://Dev/Brave/credential' },
    });
    // What it wrote, mcpkey reads back as a valid project.
    expect((await sandbox.run(['server', 'list'])).code).toBe(0);

    const again = await sandbox.run(['project', 'init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const forced = await sandbox.run(['project', 'init', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Replaced');
    expect(forced.stdout).toMatch(/^ {2}acme\.api_key \(acme, ACME_API_KEY\): a value in keychain on this machine$/m);
    expect(JSON.stringify(sandbox.transcript)).not.toContain(keyValue);
  });
});
