import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, requireSecretService, runInTerminal, Sandbox } from './helpers.js';

beforeAll(requireSecretService);

/** Canary values: if any of them shows up where it should not, a secret has leaked. */
const CANARY = 'canary-4f1d9e-do-not-print';
const PROMPTED = 'canary-prompted-77ab';
const FILE_CANARY = 'canary-file-9c3e';

describe('secret values never leak', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await Sandbox.create();
  });
  afterAll(async () => {
    await sandbox.cleanup();
  });

  it('appear only in the output of `secret get`', async () => {
    const env = { GITHUB_PERSONAL_ACCESS_TOKEN: `${CANARY}-env` };
    await writeFile(join(sandbox.cwd, '.env.mcp'), `BRAVE_API_KEY=${FILE_CANARY}\n`);
    const runs: Array<[string[], { input?: string }]> = [
      [['secret', 'set', 'neon.api_key'], { input: CANARY }],
      [['secret', 'set', 'neon.api_key'], { input: CANARY }],
      [['secret', 'list'], {}],
      [['secret', 'list', '--json'], {}],
      [['server', 'list'], {}],
      [['server', 'list', '--json'], {}],
      [['server', 'inspect', 'neon'], {}],
      [['server', 'inspect', 'neon', '--json'], {}],
      [['server', 'inspect', 'brave', '--json'], {}],
      [['server', 'inspect', 'github'], {}],
      [['server', 'enable', 'neon'], {}],
      [['server', 'enable', 'brave'], {}],
      [['server', 'enable', 'github'], {}],
      [['server', 'disable', 'neon'], {}],
      [['server', 'add', 'acme', '--secret', 'token', '--', 'acme-server'], {}],
      [['__complete', 'secret', 'get', ''], {}],
      [['secret', 'delete', 'brave.api_key'], {}],
      [['secret', 'set', 'bad name'], { input: CANARY }],
    ];
    for (const [args, options] of runs) await sandbox.run(args, { ...options, env });
    await runInTerminal(sandbox, ['secret', 'set', 'slack.bot_token'], [{ prompt: 'Value for slack.bot_token', answer: PROMPTED }], { env });

    for (const { args, stdout, stderr } of sandbox.transcript) {
      for (const canary of [CANARY, PROMPTED, FILE_CANARY]) {
        expect(stdout, `stdout of ${args.join(' ')}`).not.toContain(canary);
        expect(stderr, `stderr of ${args.join(' ')}`).not.toContain(canary);
      }
    }

    // The one exception, and the proof that the values really were stored.
    expect((await sandbox.run(['secret', 'get', 'neon.api_key'])).stdout).toBe(`${CANARY}\n`);
    expect((await sandbox.run(['secret', 'get', 'slack.bot_token'])).stdout).toBe(`${PROMPTED}\n`);

    const files = await filesUnder(sandbox.home);
    expect(files.map((file) => file.path)).toContain(join(sandbox.mcpkeyHome, 'config.json'));
    for (const file of files) {
      for (const canary of [CANARY, PROMPTED, FILE_CANARY]) expect(file.content, file.path).not.toContain(canary);
      expect(file.mode, file.path).toBe(0o600);
    }
  });
});
