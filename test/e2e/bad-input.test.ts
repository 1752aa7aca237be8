import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();

/** One line on stderr, no stack trace, and the expected exit code. */
function expectCleanError(result: { code: number | null; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  expect(result.code).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^mcpkey: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input', () => {
  it.each([
    ['noperiod'],
    ['Upper.key'],
    ['.key'],
    ['server.'],
    ['ser ver.key'],
    ['sérver.key'],
  ])('malformed secret name %j is a usage error showing the expected form', async (name) => {
    const result = await sandbox.run(['secret', 'get', name]);
    expectCleanError(result, 2, /invalid secret name .*expected <server>\.<key>/);
  });

  it('a malformed name given with =VALUE never echoes the value', async () => {
    const set = await sandbox.run(['secret', 'set', 'BAD=hunter2-value']);
    expectCleanError(set, 2, /invalid secret name "BAD"/);
    expect(set.stderr).not.toContain('hunter2');
    const get = await sandbox.run(['secret', 'get', 'BAD=hunter2-value']);
    expectCleanError(get, 2, /invalid secret name "BAD=…"/);
    expect(get.stderr).not.toContain('hunter2');
  });

  it('unknown server', async () => {
    expectCleanError(await sandbox.run(['server', 'enable', 'no-such-server']), 3, /unknown server "no-such-server"/);
    expectCleanError(await sandbox.run(['server', 'inspect', 'Bad Name']), 2, /invalid server name/);
  });

  it('empty values are refused, from a pipe and from the argument', async () => {
    expectCleanError(await sandbox.run(['secret', 'set', 'neon.api_key'], { input: '' }), 2, /refusing to store an empty value/);
    expectCleanError(await sandbox.run(['secret', 'set', 'neon.api_key'], { input: '\n' }), 2, /empty value/);
    expectCleanError(await sandbox.run(['secret', 'set', 'neon.api_key=']), 2, /empty value/);
    expect(await sandbox.keychainValue('neon.api_key')).toBeUndefined();
  });

  it('a corrupt config file is named in the error and left untouched', async () => {
    await mkdir(sandbox.mcpkeyHome, { recursive: true });
    const file = join(sandbox.mcpkeyHome, 'config.json');
    const corrupt = '{"version": 1, "enabled": ["memory",';
    await writeFile(file, corrupt);
    expectCleanError(await sandbox.run(['server', 'list']), 6, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid mcpkey config`));
    expectCleanError(await sandbox.run(['server', 'enable', 'memory']), 6, /not a valid mcpkey config/);
    expectCleanError(await sandbox.run(['server', 'add', 'x', '--', 'true']), 6, /never overwrites/);
    expect(await readFile(file, 'utf8')).toBe(corrupt);
  });

  it('a config entry of the wrong shape is reported with its path', async () => {
    await mkdir(sandbox.mcpkeyHome, { recursive: true });
    await writeFile(join(sandbox.mcpkeyHome, 'config.json'), JSON.stringify({ version: 1, enabled: [], servers: { x: { name: 'x' } } }));
    expectCleanError(await sandbox.run(['server', 'list']), 6, /servers\.x: "title" and "description" must be strings/);
  });

  it('a malformed .env.mcp line is reported with its line number; the other lines still apply', async () => {
    await writeFile(join(sandbox.cwd, '.env.mcp'), 'NEON_API_KEY=good\nthis line is wrong\nBRAVE_API_KEY=fine\n');
    const result = await sandbox.run(['secret', 'get', 'brave.api_key']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('fine\n');
    expect(result.stderr).toMatch(/warning: .*\.env\.mcp:2 is not KEY=VALUE and was ignored/);
  });

  it('a user entry without a command or URL', async () => {
    expectCleanError(await sandbox.run(['server', 'add', 'lonely']), 2, /needs a command or a URL.*add a command after "--"/);
    expectCleanError(await sandbox.run(['server', 'add', 'both', '--url', 'https://x.example/mcp', '--', 'cmd']), 2, /either --url or a command/);
  });

  it('unknown options and commands are usage errors', async () => {
    expectCleanError(await sandbox.run(['secret', 'list', '--bogus']), 2, /unknown option '--bogus'.*mcpkey secret list --help/);
    expectCleanError(await sandbox.run(['sever', 'list']), 2, /unknown command 'sever'/);
    // The refused value is not echoed, not even in the help command of the hint.
    expectCleanError(await sandbox.run(['completion', 'tcsh']), 2, /invalid for argument 'shell'\. Allowed choices are .*mcpkey completion --help`$/);
  });

  it('errors are JSON on stderr when --json was asked for', async () => {
    const result = await sandbox.run(['server', 'inspect', 'nope', '--json']);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'unknown_server', message: 'unknown server "nope"', hint: expect.stringContaining('mcpkey server list'), exitCode: 3 },
    });
  });
});
