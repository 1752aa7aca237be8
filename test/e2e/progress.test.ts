/**
 * Progress and transparency (issue 9): network failures say their cause once; a stdio server's
 * first contact gets a startup allowance; what a broken server wrote is named; `run --dry-run`
 * shows names, never values.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, ROOT, runInTerminal, useSandbox } from './helpers.js';

beforeAll(requireSecretService);
const sandbox = useSandbox();

/** A port on 127.0.0.1 that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('network failures', () => {
  it('a closed port on 127.0.0.1: "cannot reach 127.0.0.1:PORT (ECONNREFUSED)" once, in both eras and when negotiating', async () => {
    const port = await closedPort();
    expect((await sandbox.run(['server', 'add', 'closed', '--url', `http://127.0.0.1:${port}/mcp`, '--no-auth'])).code).toBe(0);
    for (const protocol of [[], ['--protocol', '2025-11-25'], ['--protocol', '2026-07-28']]) {
      const result = await sandbox.run(['tools', 'list', 'closed', ...protocol]);
      expect(result.code, result.stderr).toBe(9);
      expect(result.stderr.match(new RegExp(`cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`, 'g'))).toHaveLength(1);
      expect(result.stderr).not.toMatch(/fetch failed/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});

const SERVER = join(ROOT, 'test/fixtures/progress-stdio.mjs');
const ERAS = ['2025', '2026'] as const;
const CANARY = 'canary-progress-7d41-secret';

async function addServer(name: string, era: string, env: Record<string, string> = {}, extra: string[] = []): Promise<void> {
  const envArgs = Object.entries({ PROGRESS_ERA: era, ...env }).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
  const added = await sandbox.run(['server', 'add', name, ...extra, ...envArgs, '--', process.execPath, SERVER]);
  expect(added.code, added.stderr).toBe(0);
}

describe.each(ERAS)('a stdio server of the %s era', (era) => {
  it('that takes longer to start than the request timeout still answers; a later hung request still times out', async () => {
    await addServer('slow', era, { PROGRESS_DELAY_MS: '7000' });
    const env = { MCPKEY_REQUEST_TIMEOUT: '3' };
    const called = await sandbox.run(['tools', 'call', 'slow', 'echo', '--arg', 'text=started'], { env, timeoutMs: 120_000 });
    expect(called.code, called.stderr).toBe(0);
    expect(called.stdout).toBe('started\n');

    const started = Date.now();
    const hung = await sandbox.run(['tools', 'call', 'slow', 'hang'], { env, timeoutMs: 120_000 });
    expect(hung.code, hung.stderr).toBe(9);
    expect(hung.stderr).toMatch(/slow did not answer in time/);
    // The startup allowance (180 s) was not granted to the hung call.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 180_000);

  it('--timeout wins over MCPKEY_REQUEST_TIMEOUT', async () => {
    await addServer('quick', era);
    const started = Date.now();
    const hung = await sandbox.run(['tools', 'call', 'quick', 'hang', '--timeout', '2'], { env: { MCPKEY_REQUEST_TIMEOUT: '600' }, timeoutMs: 120_000 });
    expect(hung.code, hung.stderr).toBe(9);
    expect(hung.stderr).toMatch(/quick did not answer in time/);
    expect(Date.now() - started).toBeLessThan(60_000);
    const bad = await sandbox.run(['tools', 'list', 'quick', '--timeout', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--timeout must be a number of seconds/);
  }, 180_000);

  it('that writes a banner to stdout and never speaks MCP is named as such, with the line', async () => {
    await addServer('banner', era, { PROGRESS_BANNER: 'Server started on port 3000', PROGRESS_DELAY_MS: '600000' });
    const result = await sandbox.run(['tools', 'list', 'banner'], { env: { MCPKEY_REQUEST_TIMEOUT: '2' }, timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(9);
    expect(result.stderr).toContain('banner wrote something that is not MCP to stdout: `Server started on port 3000`');
  }, 180_000);

  it('that exits at once: its exit code; its last stderr lines on a terminal only, its secret replaced', async () => {
    await addServer('crash', era, { PROGRESS_CRASH: 'loading config|Error: CRASH_TOKEN looks wrong', PROGRESS_CRASH_ECHO: 'CRASH_TOKEN' }, ['--secret', 'token:CRASH_TOKEN']);
    expect((await sandbox.run(['secret', 'set', 'crash.token'], { input: CANARY })).code).toBe(0);
    const piped = await sandbox.run(['tools', 'list', 'crash'], { timeoutMs: 60_000 });
    expect(piped.code, piped.stderr).toBe(9);
    expect(piped.stderr).toMatch(/crash exited before answering \(exit code 1\)/);
    expect(piped.stderr).not.toMatch(/looks wrong/);
    expect(piped.stderr).toMatch(/--verbose/);

    const terminal = await runInTerminal(sandbox, ['tools', 'list', 'crash'], [], { timeoutMs: 60_000 });
    expect(terminal.code).toBe(9);
    expect(terminal.stdout).toMatch(/crash exited before answering \(exit code 1\); its stderr ended: CRASH_TOKEN=\[secret\] \| loading config \| Error: CRASH_TOKEN looks wrong/);
    expect(terminal.stdout + piped.stderr).not.toContain(CANARY);
  }, 180_000);

  it('a tool whose schema is not an object schema is left out with the reason; the others work', async () => {
    await addServer('odd', era, { PROGRESS_TOOLS: 'bad' });
    const listed = await sandbox.run(['tools', 'list', 'odd', '--json'], { timeoutMs: 60_000 });
    expect(listed.code, listed.stderr).toBe(0);
    const data = JSON.parse(listed.stdout);
    expect(data.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(['echo', 'hang']);
    expect(data.excluded).toEqual([
      { name: 'stringy', reason: expect.stringMatching(/inputSchema is of type "string"/) },
      { name: 'untyped', reason: expect.stringMatching(/inputSchema has no "type"/) },
    ]);
    expect(listed.stderr).toMatch(/left out the tool stringy/);
    expect(listed.stderr).not.toMatch(/unexpected error/);

    const called = await sandbox.run(['tools', 'call', 'odd', 'stringy'], { timeoutMs: 60_000 });
    expect(called.code, called.stderr).toBe(9);
    expect(called.stderr).toMatch(/odd's tool stringy cannot be called as the server defines it: its inputSchema is of type "string"/);
    const echoed = await sandbox.run(['tools', 'call', 'odd', 'echo', '--arg', 'text=fine'], { timeoutMs: 60_000 });
    expect(echoed).toMatchObject({ code: 0, stdout: 'fine\n' });
  }, 180_000);
});

describe('a local server whose command does not exist', () => {
  it('says so, exit 9, with the dry-run to check the entry', async () => {
    expect((await sandbox.run(['server', 'add', 'absent', '--', 'no-such-command-5c2e'])).code).toBe(0);
    const result = await sandbox.run(['tools', 'list', 'absent']);
    expect(result.code, result.stderr).toBe(9);
    expect(result.stderr).toMatch(/cannot start absent: no-such-command-5c2e: command not found — install no-such-command-5c2e, or check the entry with `mcpkey run absent --dry-run`/);
  });
});

describe('progress on a terminal, never on a pipe', () => {
  it('tools: "starting NAME (npx …; the first run downloads the package)…" for a launcher', async () => {
    // A stand-in `npx` on PATH: no network in tests.
    const bin = join(sandbox.dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'npx'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)}\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH}` };
    expect((await sandbox.run(['server', 'add', 'vianpx', '--secret', 'token:VIANPX_TOKEN', '--', 'npx', '-y', '@example/server', '--token', '${VIANPX_TOKEN}'])).code).toBe(0);
    expect((await sandbox.run(['secret', 'set', 'vianpx.token'], { input: CANARY })).code).toBe(0);
    const terminal = await runInTerminal(sandbox, ['tools', 'list', 'vianpx'], [], { env, timeoutMs: 60_000 });
    expect(terminal.code, terminal.stdout).toBe(0);
    expect(terminal.stdout).toContain('starting vianpx (npx -y @example/server --token ${VIANPX_TOKEN}; the first run downloads the package)…');
    const piped = await sandbox.run(['tools', 'list', 'vianpx'], { env, timeoutMs: 60_000 });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toBe('');
    expect(terminal.stdout).not.toContain(CANARY);
  }, 120_000);

  it('run: "waiting for an MCP client on stdin" when stdin is a terminal', async () => {
    expect((await sandbox.run(['server', 'add', 'quiet', '--', process.execPath, '-e', ''])).code).toBe(0);
    const terminal = await runInTerminal(sandbox, ['run', 'quiet'], [], { timeoutMs: 60_000 });
    expect(terminal.code).toBe(0);
    expect(terminal.stdout).toContain('waiting for an MCP client on stdin (this command is meant to be started by an MCP client; see mcpkey client config)');
    const piped = await sandbox.run(['run', 'quiet']);
    expect(piped).toMatchObject({ code: 0, stderr: '' });
  }, 120_000);
});

describe('run --dry-run', () => {
  it('a local server: command, argv with its templates, cwd, env file, variable names and sources; no value; nothing started', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), `DRY_FILE_KEY=${CANARY}-file\n`);
    const marker = join(sandbox.dir, 'started');
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`;
    const added = await sandbox.run(['server', 'add', 'dry', '--secret', 'api_key:DRY_API_KEY', '--secret', 'file_key:DRY_FILE_KEY', '--env', `PLAIN=${CANARY}-plain`, '--', process.execPath, '-e', script, '--key', '${DRY_API_KEY}']);
    expect(added.code, added.stderr).toBe(0);
    expect((await sandbox.run(['secret', 'set', 'dry.api_key'], { input: CANARY })).code).toBe(0);

    const text = await sandbox.run(['run', 'dry', '--dry-run']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('${DRY_API_KEY}');
    expect(text.stdout).toContain(`cwd:       ${sandbox.cwd}`);
    expect(text.stdout).toContain(`env file:  ${join(sandbox.cwd, '.env.mcp')}`);
    expect(text.stdout).toMatch(/DRY_API_KEY {2}dry\.api_key from keychain/);
    expect(text.stdout).toMatch(/DRY_FILE_KEY {2}dry\.file_key from \.env\.mcp/);
    expect(text.stdout).toMatch(/PLAIN {2}the entry's own value/);

    const json = await sandbox.run(['run', 'dry', '--dry-run', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({
      server: 'dry',
      transport: { type: 'stdio', command: process.execPath, args: ['-e', script, '--key', '${DRY_API_KEY}'] },
      cwd: sandbox.cwd,
      envFile: join(sandbox.cwd, '.env.mcp'),
      missing: [],
      warnings: [],
    });
    expect(plan.variables).toEqual(
      expect.arrayContaining([
        { name: 'PLAIN', source: 'entry' },
        { name: 'DRY_API_KEY', secret: 'dry.api_key', source: 'keychain' },
        { name: 'DRY_FILE_KEY', secret: 'dry.file_key', source: '.env.mcp' },
      ]),
    );
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr]) expect(output).not.toContain(CANARY);
    await expect(access(marker)).rejects.toThrow();
  });

  it('a remote server: the URL and the header names, never their values; a missing secret is listed', async () => {
    const added = await sandbox.run(['server', 'add', 'far', '--url', 'http://127.0.0.1:1/mcp', '--no-auth', '--secret', 'key:FAR_KEY', '--header', 'X-Api-Key: ${FAR_KEY}']);
    expect(added.code, added.stderr).toBe(0);
    const missing = await sandbox.run(['run', 'far', '--dry-run', '--json']);
    expect(missing.code, missing.stderr).toBe(0);
    expect(JSON.parse(missing.stdout)).toMatchObject({ transport: { type: 'remote', url: 'http://127.0.0.1:1/mcp' }, headers: ['X-Api-Key'], missing: [{ type: 'secret', name: 'far.key', env: 'FAR_KEY' }] });
    expect((await sandbox.run(['secret', 'set', 'far.key'], { input: CANARY })).code).toBe(0);
    const text = await sandbox.run(['run', 'far', '--dry-run']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('would bridge stdio to http://127.0.0.1:1/mcp (streamable-http)');
    expect(text.stdout).toContain('headers:   X-Api-Key');
    expect(text.stdout + text.stderr).not.toContain(CANARY);
  });
});
