import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runInTerminal, useSandbox } from './helpers.js';

/**
 * The bin answers `--version`, `completion SHELL`, `[noun [verb]] --help` and `__complete` itself,
 * writing to stdout's descriptor directly. On a terminal, help is laid out as commander lays it out
 * (`--no-color --help` is one of the forms it leaves to commander); output to a pipe that is full
 * arrives whole.
 */
const sandbox = useSandbox();

describe('the bin’s fast paths', () => {
  it('print on a terminal the help commander prints there', async () => {
    for (const args of [['--help'], ['server', 'list', '--help'], ['client', 'config', '-h']]) {
      const fast = await runInTerminal(sandbox, args, []);
      const commander = await runInTerminal(sandbox, ['--no-color', ...args], []);
      expect(fast.code).toBe(0);
      expect(fast.stdout).toContain('Usage: mcpkey');
      expect({ args, stdout: fast.stdout }).toEqual({ args, stdout: commander.stdout });
    }
  });

  it('write every line to a non-blocking pipe its reader empties late', async () => {
    const servers = Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`srv${i}`, { title: `server number ${i}, whose title makes a long line` }]));
    await mkdir(sandbox.mcpkeyHome, { recursive: true });
    await writeFile(join(sandbox.mcpkeyHome, 'config.json'), JSON.stringify({ enabled: [], servers }));
    // process.stdout of a pipe makes the pipe non-blocking (libuv): the bin, run in that process, then meets EAGAIN once it is full.
    const wrapper = `process.stdout; process.argv.splice(1, 0, ${JSON.stringify(BIN)}); require(${JSON.stringify(BIN)});`;
    const child = spawn(process.execPath, ['-e', wrapper, '--', '__complete', '--', 'server', 'remove', ''], { env: sandbox.baseEnv(), cwd: sandbox.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stdout.resume();
    expect(await exited).toBe(0);
    const lines = out.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(4000);
    expect(lines[3999]).toBe('srv3999\tserver number 3999, whose title makes a long line');
  });
});
