import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeLinearGrant } from './grant-helpers.js';
import { pathWithoutUvx, requireSecretService, ROOT, useSandbox } from './helpers.js';
import { clientConfig, errorObject, expectSchema, missingItem, oauthList, oauthToken, object, secretList, serverInspect, serverList, string, strings, toolsCall, toolsList, validate } from './json-schemas.js';

beforeAll(requireSecretService);

describe('the validator itself', () => {
  it('refuses an undocumented field, a wrong type, a missing field and a bare array', () => {
    const schema = object({ a: string, b: strings }, ['b']);
    expect(validate({ a: 'x' }, schema)).toEqual([]);
    expect(validate({ a: 'x', c: 1 }, schema)).toEqual(['$: undocumented field "c"']);
    expect(validate({ a: 1 }, schema)).toEqual(['$.a: not a string']);
    expect(validate({ b: [] }, schema)).toEqual(['$: lacks "a"']);
    expect(validate([{ a: 'x' }], schema)).toEqual(['$: not an object']);
    expect(validate({ type: 'secret', name: 'x' }, missingItem)).toHaveLength(1);
    expect(validate({ type: 'node', required: '>=22', current: '20.20.2' }, missingItem)).toEqual([]);
  });
});

const sandbox = useSandbox();
const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');


async function json(args: string[], env: Record<string, string> = {}): Promise<unknown> {
  const result = await sandbox.run(args, { env, timeoutMs: 60_000 });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout);
}

describe('every read command --json matches docs/json.md', () => {
  let PATH: string;

  beforeEach(async () => {
    PATH = await pathWithoutUvx(sandbox);
    const added = await sandbox.run(['server', 'add', 'envtest', '--secret', 'api_key:ENVTEST_API_KEY', '--env', 'PLAIN=visible', '--', process.execPath, ENV_SERVER]);
    expect(added.code, added.stderr).toBe(0);
    for (const [name, value] of [['envtest.api_key', 'k-envtest'], ['neon.api_key', 'k-neon'], ['brave.api_key', 'k-brave']]) {
      expect((await sandbox.run(['secret', 'set', name!], { input: value })).code).toBe(0);
    }
    for (const name of ['envtest', 'neon', 'memory', 'fetch', 'linear']) expect((await sandbox.run(['server', 'enable', name], { env: { PATH } })).code).toBe(0);
    await storeLinearGrant(sandbox, 'json-schema', 'read write');
  });

  it('server list: transport objects, typed missing (a launcher, a secret), oauth.status on OAuth entries', async () => {
    const data = (await json(['server', 'list', '--json'], { PATH })) as { servers: Array<Record<string, unknown>> };
    expectSchema(data, serverList);
    const byName = Object.fromEntries(data.servers.map((server) => [server.name, server]));
    expect(byName.fetch).toMatchObject({ enabled: true, ready: false, missing: [{ type: 'launcher', command: 'uvx' }], transport: { type: 'stdio', command: 'uvx' } });
    expect(byName.memory).toMatchObject({ enabled: true, ready: true, missing: [] });
    expect(byName.slack).toMatchObject({ ready: false, missing: [{ type: 'secret', name: 'slack.bot_token', env: 'SLACK_BOT_TOKEN' }, { type: 'secret', name: 'slack.team_id', env: 'SLACK_TEAM_ID' }] });
    expect(byName.linear).toMatchObject({ ready: true, oauth: { status: 'authorized', issuer: 'https://auth.example.test', scopes: ['read', 'write'] } });
    expect(byName.asana).toMatchObject({ ready: false, missing: [{ type: 'oauth' }], oauth: { status: 'not-authorized' } });
    expect(byName.neon).not.toHaveProperty('oauth');
    // Every kind of item, and every kind of transport, is in the list.
    const types = new Set(data.servers.flatMap((server) => (server.missing as Array<{ type: string }>).map((item) => item.type)));
    // neon needs Node 22: on an older Node its Node requirement is missing too.
    const nodeTooOld = Number(process.versions.node.split('.')[0]) < 22;
    expect([...types].sort()).toEqual(['launcher', ...(nodeTooOld ? ['node'] : []), 'oauth', 'secret']);
    expect(new Set(data.servers.map((server) => (server.transport as { type: string }).type))).toEqual(new Set(['stdio', 'remote']));

    const text = await sandbox.run(['server', 'list', '--enabled'], { env: { PATH } });
    expect(text.stdout).toMatch(/^fetch\s+none\s+yes\s+missing uvx \(not installed\)$/m);
  }, 120_000);

  it('server inspect: one of each kind, and with --tools', async () => {
    const fetch = await json(['server', 'inspect', 'fetch', '--json'], { PATH });
    expectSchema(fetch, serverInspect);
    expect(fetch).toMatchObject({ ready: false, missing: [{ type: 'launcher', command: 'uvx' }], nextSteps: [expect.stringContaining('https://docs.astral.sh/uv/getting-started/installation/')] });
    for (const name of ['neon', 'slack', 'linear', 'asana', 'cloudflare-docs']) expectSchema(await json(['server', 'inspect', name, '--json'], { PATH }), serverInspect);
    expect(await json(['server', 'inspect', 'asana', '--json'], { PATH })).toHaveProperty('oauthNote');
    const withTools = await json(['server', 'inspect', 'envtest', '--tools', '--json'], { PATH });
    expectSchema(withTools, serverInspect);
    expect((withTools as { tools: unknown[] }).tools).toHaveLength(4);
    const notReady = await json(['server', 'inspect', 'fetch', '--tools', '--json'], { PATH });
    expectSchema(notReady, serverInspect);
    expect(notReady).toHaveProperty('toolsError');
  }, 120_000);

  it('secret list, from the keychain, the environment and .env.mcp', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'GITHUB_PERSONAL_ACCESS_TOKEN=from-file\n');
    const data = await json(['secret', 'list', '--json'], { NEON_API_KEY: 'from-env' });
    expectSchema(data, secretList);
    expect((data as { secrets: Array<{ name: string; source: string }> }).secrets.map((secret) => `${secret.name}:${secret.source}`)).toEqual([
      'brave.api_key:keychain',
      'envtest.api_key:keychain',
      'github.personal_access_token:.env.mcp',
      'neon.api_key:env',
    ]);
  }, 120_000);

  it('oauth ls and oauth token', async () => {
    const list = await json(['oauth', 'ls', '--json']);
    expectSchema(list, oauthList);
    const linear = (list as { servers: Array<{ name: string }> }).servers.find((server) => server.name === 'linear');
    expect(linear).toMatchObject({ status: 'authorized', grant: 'authorization-code', client: 'dynamic', scopes: ['read', 'write'] });
    const token = await json(['oauth', 'token', 'linear', '--json']);
    expectSchema(token, oauthToken);
    expect(token).toEqual({ Authorization: 'Bearer at-json-schema' });
  }, 120_000);

  it('tools list and tools call', async () => {
    const list = await json(['tools', 'list', 'envtest', '--json']);
    expectSchema(list, toolsList);
    expect((list as { tools: unknown[] }).tools).toHaveLength(4);
    const call = await json(['tools', 'call', 'envtest', 'echo', '--arg', 'text=hi', '--json']);
    expectSchema(call, toolsCall);
    expect(call).toMatchObject({ server: 'envtest', tool: 'echo', isError: false });
  }, 120_000);

  it('client config (without --write), with a warning', async () => {
    const data = await json(['client', 'config', 'claude-code', '--json']);
    expectSchema(data, clientConfig);
    expect(data).toMatchObject({ client: 'claude-code', written: false, serversKey: 'mcpServers' });
    expect((data as { warnings: string[] }).warnings.join('\n')).toContain('mcpkey oauth authorize NAME');
    expect((data as { servers: Array<{ name: string }> }).servers.map((server) => server.name)).toEqual(['envtest', 'neon', 'memory', 'fetch', 'linear']);
  }, 120_000);

  it('errors: one object on stderr, snake_case code, nothing on stdout', async () => {
    for (const [args, exitCode] of [
      [['server', 'inspect', 'no-such-server', '--json'], 3],
      [['secret', 'list', '--server', 'Bad Name', '--json'], 2],
      [['oauth', 'token', 'asana', '--json'], 4],
    ] as const) {
      const result = await sandbox.run([...args]);
      expect(result.code, result.stderr).toBe(exitCode);
      expect(result.stdout).toBe('');
      const error = JSON.parse(result.stderr.trim().split('\n').pop()!);
      expectSchema(error, errorObject);
      expect(error.error.exitCode).toBe(exitCode);
    }
  }, 120_000);
});
