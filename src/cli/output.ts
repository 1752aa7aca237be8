import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { OutputStream } from './io.js';

export interface Printer {
  readonly color: boolean;
  readonly tty: boolean;
  readonly style: ChalkInstance;
  line(text?: string): void;
  /** A confirmation ("✓ ..."): only on a terminal, where someone reads it. */
  success(text: string): void;
  /** Warnings and notes go to stderr, so stdout stays clean for pipes. */
  warn(text: string): void;
  note(text: string): void;
  json(data: unknown): void;
  table(head: string[], rows: string[][]): void;
}

export function createPrinter(stdout: OutputStream, stderr: OutputStream, color: boolean): Printer {
  const style = new Chalk({ level: color ? 1 : 0 });
  const tty = stdout.isTTY === true;
  return {
    color,
    tty,
    style,
    line: (text = '') => stdout.write(`${text}\n`),
    success: (text) => {
      if (tty) stdout.write(`${style.green('✓')} ${text}\n`);
    },
    warn: (text) => stderr.write(`${style.yellow('warning:')} ${text}\n`),
    note: (text) => stderr.write(`${text}\n`),
    json: (data) => stdout.write(`${JSON.stringify(data, null, 2)}\n`),
    table: (head, rows) => {
      if (rows.length === 0) return;
      // Borderless columns, like `gh` and `kubectl`: easy to read and to grep.
      const table = new Table({
        head: head.map((title) => style.bold(title.toUpperCase())),
        chars: BORDERLESS,
        style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
      });
      table.push(...rows);
      stdout.write(`${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`);
    },
  };
}

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '',
};
