import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { reportError } from '../../src/cli/report.js';
import { captureHelp } from '../../src/cli/help-capture.js';
import layout from '../../src/cli/help-layout.cjs';

/**
 * `mcpkey [noun [verb]] --help` is printed by the bin's fast path from the pages the build recorded
 * (dist/help-pages.json), laid out by help-layout.cts: it must be commander's output, byte for byte,
 * for every command, both help flags, on a terminal of any width and without one.
 */

function runtime(argv: string[]): Runtime & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    argv,
    env: { HOME: '/nonexistent', MCPKEY_HOME: '/nonexistent/mcpkey', NO_COLOR: '1' },
    cwd: '/',
    stdin: new PassThrough(),
    stdout: { write: (text: string) => ((out += text), true) },
    stderr: { write: (text: string) => ((err += text), true) },
    out: () => out,
    err: () => err,
  };
}

/** What commander prints for argv, with every command module loaded. */
async function commander(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const rt = runtime(argv);
  const program = await buildProgram(rt);
  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = rt.exitCode ?? 0;
  } catch (error) {
    code = reportError(error, rt, program);
  }
  return { code, stdout: rt.out(), stderr: rt.err() };
}

/** process.stdout as a terminal of this width, or (undefined) as a pipe: what commander and the fast path both look at. */
const saved = { isTTY: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'), columns: Object.getOwnPropertyDescriptor(process.stdout, 'columns') };
function stdoutAs(columns: number | undefined): void {
  Object.defineProperty(process.stdout, 'isTTY', { value: columns !== undefined, configurable: true, writable: true });
  Object.defineProperty(process.stdout, 'columns', { value: columns ?? 33, configurable: true, writable: true });
}
afterEach(() => {
  for (const key of ['isTTY', 'columns'] as const) {
    const descriptor = saved[key];
    if (descriptor) Object.defineProperty(process.stdout, key, descriptor);
    else delete (process.stdout as unknown as Record<string, unknown>)[key];
  }
});

function commandPaths(command: Command, path: string[] = []): string[][] {
  const visible = command.commands.filter((sub) => !(sub as Command & { _hidden?: boolean })._hidden);
  return [path, ...visible.flatMap((sub) => commandPaths(sub, [...path, sub.name()]))];
}

const pages = JSON.parse(readFileSync(new URL('../../dist/help-pages.json', import.meta.url), 'utf8')) as Parameters<typeof layout.findPage>[0];
const full = await buildProgram(runtime([]));
const paths = commandPaths(full);

describe('the help pages the build records', () => {
  it('are those of the current command tree (run the build after changing a command)', () => {
    expect(pages).toEqual(captureHelp(full));
  });

  it('cover every command, under both help flags', () => {
    expect(paths.length).toBeGreaterThan(35);
    for (const path of paths) {
      for (const flag of ['--help', '-h']) expect(layout.findPage(pages, [...path, flag]), [...path, flag].join(' ')).toBeDefined();
    }
  });

  it('answer only `[noun [verb]] --help` exactly', () => {
    for (const argv of [[], ['server'], ['server', '--nope'], ['constructor', '--help'], ['server', 'constructor', '--help'], ['server list', '--help'], ['server', 'list', 'x', '--help'], ['--help', 'server']]) {
      expect(layout.findPage(pages, argv), argv.join(' ')).toBeUndefined();
    }
  });
});

describe('help laid out by the fast path', () => {
  // Around commander's minimum width to wrap (40) and the term column of the widest page, and wide.
  const WIDTHS = [undefined, 1, 20, 39, 40, 41, 50, 60, 79, 80, 81, 100, 120, 200];

  it.each(paths.map((path) => [path.join(' ') || '(top level)', path] as const))('is commander’s for mcpkey %s --help', async (_name, path) => {
    for (const columns of WIDTHS) {
      stdoutAs(columns);
      for (const flag of ['--help', '-h']) {
        const argv = [...path, flag];
        const fast = layout.renderHelp(layout.findPage(pages, argv)!, layout.helpWidth(process.stdout));
        expect({ columns, argv, fast }).toEqual({ columns, argv, fast: (await commander(argv)).stdout });
      }
    }
    const asCommander = await commander([...path, '--help']);
    expect({ code: asCommander.code, stderr: asCommander.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('takes the width from a terminal only', () => {
    expect(layout.helpWidth({ isTTY: true, columns: 50 })).toBe(50);
    expect(layout.helpWidth({ isTTY: false, columns: 50 })).toBe(80);
    expect(layout.helpWidth({ columns: 50 })).toBe(80);
    expect(layout.helpWidth({ isTTY: true })).toBe(80);
  });
});
