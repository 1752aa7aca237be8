import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { createPrinter } from '../../src/cli/output.js';
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
