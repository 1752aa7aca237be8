import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, ROOT, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();
const PROBE = pathToFileURL(join(ROOT, 'test/fixtures/report-commander.mjs')).href;

/** Runs mcpkey and says whether commander was loaded. */
async function run(args: string[]) {
  const out = join(sandbox.dir, `commander-${Math.random().toString(36).slice(2)}`);
  const result = await sandbox.run(args, { env: { NODE_OPTIONS: `--import=${PROBE}`, MCPKEY_TEST_COMMANDER_OUT: out } });
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, commander: await readFile(out, 'utf8') };
}

/**
 * The plain forms src/cli/direct.ts serves without commander, each next to the same command with a global option
 * that changes nothing here (no terminal: no colour either way), which commander parses: every byte must be the same.
 */
const CASES: string[][] = [
  ['secret', 'get', 'direct.api_key'],
  ['secret', 'get', 'direct.missing'],
  ['secret', 'get', 'neon.apikey'],
  ['secret', 'get', 'neon'],
  ['run', 'direct-false'],
  ['run', 'direct-false', '--', process.execPath, '-e', 'process.stdout.write("override --json")'],
  ['run', 'fetc'],
  ['secret', 'list'],
  ['secret', 'ls', '--json'],
  ['server', 'list'],
  ['server', 'ls', '--json'],
  ['oauth', 'ls'],
  ['oauth', 'list', '--json'],
];

describe('the direct path (run NAME, secret get NAME, secret list, server list, oauth ls)', () => {
  it('prints, fails and exits exactly as through commander, without loading it', async () => {
    expect((await sandbox.run(['secret', 'set', 'direct.api_key'], { input: 'direct-value' })).code).toBe(0);
    expect((await sandbox.run(['server', 'add', 'direct-false', '--', 'false'])).code).toBe(0);
    for (const args of CASES) {
      const direct = await run(args);
      const commander = await run(['--no-color', ...args]);
      expect({ args, ...direct, commander: undefined }).toEqual({ args, ...commander, commander: undefined });
      expect({ args, commander: direct.commander }).toEqual({ args, commander: args.includes('fetc') ? 'loaded' : 'not loaded' });
      expect({ args, commander: commander.commander }).toEqual({ args, commander: 'loaded' });
    }
    // What the cases cover: a value, each kind of failure, a server's own exit code, a hint built from the command tree.
    expect((await run(['secret', 'get', 'direct.api_key'])).stdout).toBe('direct-value\n');
    expect((await run(['run', 'direct-false'])).code).toBe(1);
    expect((await run(['run', 'fetc'])).stderr).toContain('did you mean `mcpkey run fetch`?');
    expect((await run(['secret', 'get', 'direct.missing'])).code).toBe(3);
  }, 240_000);
});
