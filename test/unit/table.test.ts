import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { createPrinter, screen, tableLines } from '../../src/cli/output.js';
import { plainTable } from '../../src/cli/table.js';

/** A small deterministic generator: the same tables on every run, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return { next, int: (max: number) => Math.floor(next() * max), pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

const chalk = new Chalk({ level: 1 });
const STYLED = [chalk.bold, chalk.dim, chalk.red, chalk.green, chalk.yellow];
const ASCII = 'abcxyzABC019 .-_:/;=~!"#$%&\'()*+,<>?@[\\]^`{|}';
const OTHER = ['é', '✓', '漢字', '🔑', 'ｗｉｄｅ', '\u0301', 'ü'];

/** A cell as commands hand them to the printer: mostly names and words, sometimes coloured, sometimes not ASCII. */
function cell(r: ReturnType<typeof random>, plainOnly: boolean): string {
  let text = Array.from({ length: r.int(14) }, () => r.pick([...ASCII])).join('');
  if (!plainOnly && r.next() < 0.1) text += r.pick(OTHER);
  const roll = r.next();
  if (roll < 0.15) return `${text}; ${r.pick(STYLED)(Array.from({ length: r.int(8) }, () => r.pick([...ASCII])).join(''))}`;
  if (roll < 0.2) return r.pick(STYLED)(text);
  if (!plainOnly && roll < 0.23) return chalk.yellow.bold(text);
  if (!plainOnly && roll < 0.25) return `${text}\ttab`;
  return text;
}

function table(r: ReturnType<typeof random>, plainOnly: boolean) {
  const columns = 1 + r.int(5);
  const head = Array.from({ length: columns }, () => chalk.bold(r.pick(['name', 'server', 'source', 'note', 'x', 'a much longer title']).toUpperCase()));
  const rows = Array.from({ length: 1 + r.int(25) }, () => {
    const length = !plainOnly && r.next() < 0.05 ? r.int(columns) : columns;
    return Array.from({ length }, () => cell(r, plainOnly));
  });
  return { head, rows };
}

describe('tables without cli-table3', () => {
  it('draws, byte for byte, what cli-table3 draws: 1,500 random tables, coloured and plain', () => {
    const r = random(20261202);
    let drawnHere = 0;
    for (let index = 0; index < 1_500; index += 1) {
      const { head, rows } = table(r, index % 3 === 0);
      const plainHead = index % 2 ? head : head.map((title) => title.replace(/\x1b\[\d+m/g, ''));
      const expected = tableLines(plainHead, rows);
      const drawn = plainTable(plainHead, rows, 2);
      if (drawn) {
        drawnHere += 1;
        expect(drawn, JSON.stringify({ head: plainHead, rows })).toEqual(expected);
      }
    }
    // Most tables take the plain path; the rest (not ASCII, nested colours, short rows) stay cli-table3's.
    expect(drawnHere).toBeGreaterThan(500);
    expect(drawnHere).toBeLessThan(1_500);
  });

  it('leaves to cli-table3 what is not plain: other scripts, wide characters, nested colours, short rows', () => {
    expect(plainTable(['A'], [['é']], 2)).toBeUndefined();
    expect(plainTable(['A'], [['漢字']], 2)).toBeUndefined();
    expect(plainTable(['A'], [[chalk.yellow.bold('x')]], 2)).toBeUndefined();
    expect(plainTable(['A'], [['\x1b[33munclosed']], 2)).toBeUndefined();
    expect(plainTable(['A', 'B'], [['x']], 2)).toBeUndefined();
    expect(plainTable([], [], 2)).toBeUndefined();
    expect(plainTable(['A', 'B'], [['x', chalk.red('y')]], 2)).toEqual(['A  B  ', `x  ${chalk.red('y')}  `]);
  });

  it('the printer writes the same table either way, on a terminal with colour and into a pipe', () => {
    const r = random(7);
    for (const color of [true, false]) {
      for (let index = 0; index < 200; index += 1) {
        const { rows } = table(r, false);
        const head = rows[0]!.map((_, column) => `col${column}`);
        let out = '';
        createPrinter({ write: (text: string) => (out += text), isTTY: color }, { write: () => true }, color).table(head, rows);
        const titles = head.map((title) => (color ? chalk.bold(title.toUpperCase()) : title.toUpperCase()));
        const expected = tableLines(titles, rows.map((row) => row.map((text) => screen(text, color, ''))));
        expect(out).toBe(`${expected.map((line) => line.trimEnd()).join('\n')}\n`);
      }
    }
  });

  it('draws a thousand rows in a small fraction of cli-table3’s time', () => {
    const rows = Array.from({ length: 1_000 }, (_, index) => [`bench.key_${index}`, 'bench', 'keychain', index % 7 ? '' : 'reference in keychain']);
    const head = ['NAME', 'SERVER', 'SOURCE', 'NOTE'];
    const started = performance.now();
    const drawn = plainTable(head, rows, 2);
    const here = performance.now() - started;
    const before = performance.now();
    expect(drawn).toEqual(tableLines(head, rows));
    expect(here).toBeLessThan((performance.now() - before) / 3);
  });
});
