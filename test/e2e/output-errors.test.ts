import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, useSandbox } from './helpers.js';

const COMMANDS = [['--version'], ['--help'], ['completion', 'bash'], ['server', 'list'], ['server', 'list', '--json'], ['server', 'inspect', 'neon', '--json']];

/** Runs mcpkey with stdout on `stdout` ('gone': a pipe whose reader closed before anything was written). */
function run(sandbox: ReturnType<typeof useSandbox>, args: string[], stdout: number | 'gone'): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: sandbox.cwd, env: { ...sandbox.baseEnv(), NO_COLOR: '1' }, stdio: ['ignore', stdout === 'gone' ? 'pipe' : stdout, 'pipe'] });
    // Closed at once: mcpkey takes far longer to start than this takes.
    if (stdout === 'gone') child.stdout!.destroy();
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('output that cannot be written', () => {
  const sandbox = useSandbox();

  it.each(COMMANDS)('a reader that went away (EPIPE): mcpkey %s stops quietly, without a stack trace', async (...args) => {
    const result = await run(sandbox, args, 'gone');
    expect(result.stderr).not.toMatch(/\n\s+at |Error: write|node:events/);
    expect(result.code).toBe(0);
  });

  it.each(COMMANDS)('a full disk (ENOSPC): mcpkey %s says so in one line and exits 1', async (...args) => {
    const full = openSync('/dev/full', 'w');
    try {
      const result = await run(sandbox, args, full);
      const lines = result.stderr.split('\n').filter((line) => line && !line.startsWith('warning:'));
      expect(lines).toEqual([expect.stringMatching(/^mcpkey: the output could not be written \(ENOSPC\); it is incomplete — /)]);
      expect(result.code).toBe(1);
    } finally {
      closeSync(full);
    }
  });
});
