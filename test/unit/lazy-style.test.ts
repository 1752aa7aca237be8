import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { createPrinter, plainTable } from '../../src/cli/output.js';
import { firstWord } from '../../src/cli/program.js';
import { compareNames } from '../../src/core/catalog/index.js';

const ALPHABET = '_-0123456789abcdefghijklmnopqrstuvwxyz';

function randomName(random: () => number): string {
  let name = '';
  for (let length = 1 + Math.floor(random() * 6); length > 0; length--) name += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return name;
}

/** A small deterministic generator: the same names on every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe('compareNames', () => {
  it('orders server names as localeCompare does (en / root collation)', () => {
    const random = generator(7);
    const names = Array.from({ length: 3000 }, () => randomName(random));
    const ours = [...names].sort(compareNames);
    const icu = [...names].sort((a, b) => a.localeCompare(b, 'en'));
    expect(ours).toEqual(icu);
    expect(['a1', 'a-b', 'ab', 'a_b', 'a'].sort(compareNames)).toEqual(['a', 'a_b', 'a-b', 'a1', 'ab']);
  });

  it('leaves names outside the server-name alphabet to localeCompare', () => {
    expect(compareNames('B', 'a')).toBe('B'.localeCompare('a'));
    expect(compareNames('é', 'f')).toBe('é'.localeCompare('f'));
  });
});

describe('the printer without colour', () => {
  it('styles as chalk at level 0 does, without loading chalk', () => {
    const printer = createPrinter({ write: () => true }, { write: () => true }, false);
    const chalk = new Chalk({ level: 0 });
    expect(printer.style.bold('x')).toBe(chalk.bold('x'));
    expect(printer.style.green.bold('a', 'b')).toBe(chalk.green.bold('a', 'b'));
    expect(printer.style.dim('')).toBe(chalk.dim(''));
    expect(printer.style.yellow(3 as unknown as string)).toBe(chalk.yellow(3 as unknown as string));
  });

  it('with colour, styles with chalk (level 1)', () => {
    let out = '';
    const printer = createPrinter({ write: (text: string) => ((out += text), true), isTTY: true }, { write: () => true }, true);
    printer.success('done');
    expect(out).toBe(`${new Chalk({ level: 1 }).green('✓')} done\n`);
    out = '';
    printer.table(['name'], [['neon']]);
    expect(out).toBe(`${new Chalk({ level: 1 }).bold('NAME')}\nneon\n`);
  });
});

describe('firstWord', () => {
  it('skips global options and the value of --env-file', () => {
    expect(firstWord(['--no-color', 'server', 'list'])).toBe('server');
    expect(firstWord(['--env-file', 'x', 'secret', 'get'])).toBe('secret');
    expect(firstWord(['--env-file=x', 'oauth'])).toBe('oauth');
    expect(firstWord(['--help'])).toBeUndefined();
    expect(firstWord(['--', 'server'])).toBeUndefined();
  });
});

describe('the plain table', () => {
  /** What the printer drew with cli-table3 for every table before plainTable (its borderless settings). */
  function cliTable3(head: string[], rows: string[][]): string {
    const none = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '' };
    const table = new Table({ head, chars: none, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 } });
    table.push(...rows);
    return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
  }

  it('is byte for byte what cli-table3 draws, for printable ASCII cells', () => {
    const random = generator(11);
    const chars = ' aZ09-_.()/:@~`!';
    const cell = () => {
      let text = '';
      for (let length = Math.floor(random() * 3) === 0 ? 0 : Math.floor(random() * 14); length > 0; length--) text += chars[Math.floor(random() * chars.length)];
      return text;
    };
    for (let round = 0; round < 400; round++) {
      const columns = 1 + Math.floor(random() * 7);
      const head = Array.from({ length: columns }, () => cell().toUpperCase());
      const rows = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Array.from({ length: columns }, cell));
      expect(plainTable(head, rows)).toBe(cliTable3(head, rows));
    }
  });

  it('leaves colour, wide and non-ASCII text, and ragged rows to cli-table3', () => {
    expect(plainTable(['A'], [[new Chalk({ level: 1 }).green('ok')]])).toBeUndefined();
    expect(plainTable(['A'], [['日本']])).toBeUndefined();
    expect(plainTable(['A'], [['…']])).toBeUndefined();
    expect(plainTable(['A', 'B'], [['x']])).toBeUndefined();
  });

  it('is what the printer writes without colour', () => {
    let out = '';
    const printer = createPrinter({ write: (text: string) => ((out += text), true) }, { write: () => true }, false);
    const rows = [['neon', 'api-key', 'no', 'missing neon.api_key'], ['fetch', 'none', 'yes', 'ready']];
    printer.table(['name', 'auth', 'enabled', 'status'], rows);
    expect(out).toBe(cliTable3(['NAME', 'AUTH', 'ENABLED', 'STATUS'], rows));
    expect(out).toBe('NAME   AUTH     ENABLED  STATUS\nneon   api-key  no       missing neon.api_key\nfetch  none     yes      ready\n');
  });
});
