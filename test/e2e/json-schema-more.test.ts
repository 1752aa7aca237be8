/**
 * The newer commands' --json against docs/json.md (json-schema.test.ts has the older ones): doctor,
 * client status, client config with --write and --remove, run --dry-run, and the error objects of
 * commander's own errors. The schemas are strict: a field docs/json.md does not list fails.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentedErrorCodes } from '../unit/error-code-scan.js';
import { storeLinearGrant } from './grant-helpers.js';
import { pathWithoutUvx, requireSecretService, ROOT, useSandbox, type RunResult } from './helpers.js';
import { clientConfig, clientStatus, doctor, errorObject, expectSchema, runPlan, validate } from './json-schemas.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();
const ENV_SERVER = join(ROOT, 'test/fixtures/env-server.mjs');


async function run(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return sandbox.run(args, { env, timeoutMs: 60_000 });
}

async function json(args: string[], env: Record<string, string> = {}, exitCode = 0): Promise<Record<string, unknown>> {
  const result = await run(args, env);
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(exitCode);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** An error with --json: nothing on stdout, the object as the last line of stderr. */
async function jsonError(args: string[], exitCode: number): Promise<{ code: string; message: string; hint?: string; exitCode: number }> {
  const result = await run(args);
  expect(result.code, result.stderr).toBe(exitCode);
  expect(result.stdout).toBe('');
  const error = JSON.parse(result.stderr.trim().split('\n').pop()!) as { error: { code: string; message: string; hint?: string; exitCode: number } };
  expectSchema(error, errorObject);
  expect(error.error.exitCode).toBe(exitCode);
  return error.error;
}


/** Cursor's file (under the sandbox's HOME) with an entry of each kind client status tells apart. */
async function writeCursorFile(): Promise<string> {
  const file = join(sandbox.home, '.cursor', 'mcp.json');
  await mkdir(join(sandbox.home, '.cursor'), { recursive: true });
  const servers = {
    envtest: { command: 'mcpkey', args: ['run', 'envtest'] },
    memory: { command: 'mcpkey', args: ['run', 'memory'] },
    ghost: { command: 'mcpkey', args: ['run', 'ghost'] },
    other: { command: 'node', args: ['server.js'] },
  };
  await writeFile(file, `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`);
  return file;
}

describe('newer commands --json match docs/json.md', () => {
  let PATH: string;

  beforeEach(async () => {
    PATH = await pathWithoutUvx(sandbox);
    const added = await run(['server', 'add', 'envtest', '--secret', 'api_key:ENVTEST_API_KEY', '--env', 'PLAIN=visible', '--', process.execPath, ENV_SERVER]);
    expect(added.code, added.stderr).toBe(0);
    expect((await sandbox.run(['secret', 'set', 'envtest.api_key'], { input: 'k-envtest' })).code).toBe(0);
    // brave's key only from the environment: enabled, and then missing wherever that variable is not set.
    for (const name of ['envtest', 'memory', 'fetch', 'linear', 'brave']) expect((await run(['server', 'enable', name], { PATH, BRAVE_API_KEY: 'from-env' })).code).toBe(0);
    await storeLinearGrant(sandbox, 'json-schema-more', 'read');
  });

  it('doctor: {ok, checks, warnings}; a failed check gives exit 4 and ok false', async () => {
    await writeCursorFile();
    // brave's key only from this shell: a shell-only check.
    const data = await json(['doctor', '--json'], { PATH, BRAVE_API_KEY: 'from-env' }, 4);
    expectSchema(data, doctor);
    const checks = data.checks as Array<{ id: string; status: string; hint?: string }>;
    const byId = Object.fromEntries(checks.map((check) => [check.id, check]));
    expect(data.ok).toBe(false);
    expect(byId.keychain).toMatchObject({ status: 'ok' });
    expect(byId.config).toMatchObject({ status: 'ok' });
    expect(byId['mcpkey-on-path']).toMatchObject({ status: 'warn' });
    expect(byId['launcher:uvx']).toMatchObject({ status: 'fail', hint: expect.stringContaining('uv') });
    expect(byId['launcher:npx']).toMatchObject({ status: 'ok' });
    expect(byId['server:envtest']).toMatchObject({ status: 'ok' });
    expect(byId['server:fetch']).toMatchObject({ status: 'fail' });
    expect(byId['shell-only:brave']).toMatchObject({ status: 'warn' });
    expect(byId['oauth:linear']).toMatchObject({ status: 'ok' });
    expect(byId['protocol:linear']).toMatchObject({ status: 'ok' });
    // The file wires ghost, which is not in the catalog.
    expect(byId['client:cursor']).toMatchObject({ status: 'fail' });
    // Every kind of id the docs name, except `servers` (none enabled), is in this one report.
    const kinds = new Set(checks.map((check) => check.id.split(':')[0]));
    expect([...kinds].sort()).toEqual(['client', 'config', 'keychain', 'launcher', 'mcpkey-on-path', 'oauth', 'protocol', 'server', 'shell-only']);
  }, 120_000);

  it('client status: the three shapes of a wired entry, an unreadable file, readiness with typed missing', async () => {
    const file = await writeCursorFile();
    await mkdir(join(sandbox.home, '.codeium', 'windsurf'), { recursive: true });
    await writeFile(join(sandbox.home, '.codeium', 'windsurf', 'mcp_config.json'), '{ not json');
    const data = await json(['client', 'status', '--json'], { PATH });
    expectSchema(data, clientStatus);
    const clients = data.clients as Array<{ client: string; file: string; exists: boolean; error?: string; servers: Array<Record<string, unknown>> }>;
    expect(clients.map((client) => client.client)).toEqual(['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'cline', 'zed', 'gemini', 'codex', 'goose']);
    const cursor = clients.find((client) => client.client === 'cursor')!;
    expect(cursor).toMatchObject({ file, exists: true });
    expect(cursor.servers).toEqual([
      { name: 'envtest', viaMcpkey: true, server: 'envtest', known: true, enabled: true, ready: true, missing: [], nextSteps: [] },
      { name: 'memory', viaMcpkey: true, server: 'memory', known: true, enabled: true, ready: true, missing: [], nextSteps: [] },
      { name: 'ghost', viaMcpkey: true, server: 'ghost', known: false },
      { name: 'other', viaMcpkey: false },
    ]);
    expect(clients.find((client) => client.client === 'windsurf')).toMatchObject({ exists: true, error: expect.stringContaining('cannot parse'), servers: [] });
    expect(clients.find((client) => client.client === 'vscode')).toMatchObject({ exists: false, servers: [] });
    expect((data.warnings as string[]).join('\n')).toContain('ghost');

    // A wired server that is not ready: typed missing items and the commands that fix them.
    await writeFile(file, JSON.stringify({ mcpServers: { brave: { command: 'mcpkey', args: ['run', 'brave'] }, fetch: { command: 'mcpkey', args: ['run', 'fetch'] } } }));
    const one = await json(['client', 'status', 'cursor', '--json'], { PATH });
    expectSchema(one, clientStatus);
    expect(one.clients).toMatchObject([
      {
        client: 'cursor',
        servers: [
          { name: 'brave', ready: false, missing: [{ type: 'secret', name: 'brave.api_key', env: 'BRAVE_API_KEY' }], nextSteps: ['mcpkey secret set brave.api_key'] },
          { name: 'fetch', ready: false, missing: [{ type: 'launcher', command: 'uvx' }] },
        ],
      },
    ]);
  }, 120_000);

  it('client config: --write (added, then unchanged), --remove, and a TOML snippet', async () => {
    const written = await json(['client', 'config', 'cursor', 'envtest', 'memory', '--write', '--json'], { PATH });
    expectSchema(written, clientConfig);
    expect(written).toMatchObject({ client: 'cursor', written: true, serversKey: 'mcpServers', servers: [{ name: 'envtest', action: 'added' }, { name: 'memory', action: 'added' }] });
    expect(JSON.parse(written.snippetText as string)).toEqual(written.snippet);

    const again = await json(['client', 'config', 'cursor', 'envtest', 'memory', '--write', '--json'], { PATH });
    expectSchema(again, clientConfig);
    expect(again).toMatchObject({ written: false, unchanged: true, servers: [{ action: 'unchanged' }, { action: 'unchanged' }] });
    expect(again).not.toHaveProperty('backup');

    const removed = await json(['client', 'config', 'cursor', '--remove', 'memory', '--json'], { PATH });
    expectSchema(removed, clientConfig);
    expect(removed).toMatchObject({ written: true, removed: ['memory'], servers: [], snippet: {}, snippetText: '', backup: expect.any(String) });
    const file = JSON.parse(await readFile(removed.file as string, 'utf8')) as { mcpServers: Record<string, unknown> };
    expect(Object.keys(file.mcpServers)).toEqual(['envtest']);

    const codex = await json(['client', 'config', 'codex', 'envtest', '--json'], { PATH });
    expectSchema(codex, clientConfig);
    expect(codex).toMatchObject({ serversKey: 'mcp_servers', written: false });
    expect(codex.snippetText).toContain('[mcp_servers.envtest]');
  }, 120_000);

  it('run --dry-run: a local server with an env file, a remote OAuth server, a missing secret', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'UNRELATED=1\n');
    const local = await json(['run', 'envtest', '--dry-run', '--json'], { PATH });
    expectSchema(local, runPlan);
    expect(local).toMatchObject({
      server: 'envtest',
      kind: 'api-key',
      transport: { type: 'stdio', command: process.execPath, args: [ENV_SERVER] },
      cwd: sandbox.cwd,
      envFile: join(sandbox.cwd, '.env.mcp'),
      missing: [],
    });
    expect(local.variables).toEqual(
      expect.arrayContaining([
        { name: 'PLAIN', source: 'entry' },
        { name: 'ENVTEST_API_KEY', secret: 'envtest.api_key', source: 'keychain' },
      ]),
    );
    expect(JSON.stringify(local)).not.toContain('k-envtest');

    // Elsewhere, no env file: the field is left out (never null).
    const elsewhere = join(sandbox.dir, 'elsewhere');
    await mkdir(elsewhere);
    const noFile = await sandbox.run(['run', 'brave', '--dry-run', '--json'], { env: { PATH }, cwd: elsewhere, timeoutMs: 60_000 });
    expect(noFile.code, noFile.stderr).toBe(0);
    const plan = JSON.parse(noFile.stdout) as Record<string, unknown>;
    expectSchema(plan, runPlan);
    expect(plan).not.toHaveProperty('envFile');
    expect(plan).toMatchObject({ kind: 'api-key', missing: [{ type: 'secret', name: 'brave.api_key', env: 'BRAVE_API_KEY' }], variables: [{ name: 'BRAVE_MCP_TRANSPORT', source: 'entry' }] });

    const remote = await json(['run', 'linear', '--dry-run', '--json'], { PATH });
    expectSchema(remote, runPlan);
    expect(remote).toMatchObject({ kind: 'oauth', transport: { type: 'remote', url: 'https://mcp.linear.app/mcp' }, headers: ['Authorization'], variables: [] });
    expect(remote).not.toHaveProperty('cwd');
    expect(JSON.stringify(remote)).not.toContain('at-json-schema-more');
  }, 120_000);
});

describe('errors --json: commander and mcpkey codes alike are documented snake_case', () => {
  it('commander errors', async () => {
    const documented = documentedErrorCodes(join(ROOT, 'docs/json.md'));
    const unknown = await jsonError(['sever', 'list', '--json'], 2);
    expect(unknown).toMatchObject({ code: 'unknown_command', hint: 'did you mean `mcpkey server list`?' });
    for (const [args, code] of [
      [['server', 'list', '--bogus', '--json'], 'unknown_option'],
      [['server', 'list', 'extra', '--json'], 'excess_arguments'],
      [['server', 'inspect', '--json'], 'missing_argument'],
      [['client', 'config', 'nosuch', '--json'], 'invalid_argument'],
      [['server', 'list', '--json', '--kind'], 'option_missing_argument'],
    ] as const) {
      expect((await jsonError([...args], 2)).code).toBe(code);
    }
    for (const code of ['unknown_command', 'unknown_option', 'excess_arguments', 'missing_argument', 'invalid_argument', 'option_missing_argument']) {
      expect(documented.get(code), code).toEqual([2]);
    }
  }, 120_000);

  it('the newer commands’ errors', async () => {
    const documented = documentedErrorCodes(join(ROOT, 'docs/json.md'));
    for (const [args, code, exitCode] of [
      [['run', 'memory', '--json'], 'invalid_option', 2],
      [['client', 'config', 'cursor', '--remove', 'nosuch', '--json'], 'client_entry_not_found', 3],
      [['client', 'config', 'cursor', '--remove', '--json'], 'missing_argument', 2],
      [['oauth', 'token', 'memory', '--json'], 'not_oauth', 2],
      [['run', 'fetc', '--dry-run', '--json'], 'unknown_server', 3],
    ] as const) {
      if (code === 'client_entry_not_found') {
        await mkdir(join(sandbox.home, '.cursor'), { recursive: true });
        await writeFile(join(sandbox.home, '.cursor', 'mcp.json'), '{"mcpServers": {"neon": {"command": "mcpkey", "args": ["run", "neon"]}}}');
      }
      const error = await jsonError([...args], exitCode);
      expect(error.code, args.join(' ')).toBe(code);
      expect(documented.get(code), code).toContain(exitCode);
    }
  }, 120_000);
});

describe('the schemas themselves', () => {
  it('refuse what the docs do not say', () => {
    // An entry through mcpkey that is unknown carries nothing more; an unknown field fails.
    const status = (server: Record<string, unknown>) => ({ clients: [{ client: 'cursor', title: 'Cursor', file: '/f', exists: true, servers: [server] }], warnings: [] });
    expect(validate(status({ name: 'a', viaMcpkey: true, server: 'a', known: false }), clientStatus)).toEqual([]);
    expect(validate(status({ name: 'a', viaMcpkey: true, server: 'a', known: false, enabled: true }), clientStatus)).toHaveLength(1);
    expect(validate(status({ name: 'a', viaMcpkey: false, server: 'a' }), clientStatus)).toHaveLength(1);
    expect(validate({ ok: true, checks: [{ id: 'keychain', status: 'ok', message: 'm', extra: 1 }], warnings: [] }, doctor)).toEqual(['$.checks[0]: undocumented field "extra"']);
    expect(validate({ ok: true, checks: [{ id: 'mystery', status: 'ok', message: 'm' }], warnings: [] }, doctor)).toHaveLength(1);
    const plan = { server: 's', kind: 'none', transport: { type: 'stdio', command: 'c', args: [] }, variables: [], missing: [], warnings: [] };
    expect(validate(plan, runPlan)).toEqual([]);
    expect(validate({ ...plan, envFile: null }, runPlan)).toEqual(['$.envFile: not a string']);
  });
});
