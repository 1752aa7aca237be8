import { createRequire } from 'node:module';
import type { ChalkInstance } from 'chalk';
import type TableClass from 'cli-table3';
import { escapeControls, safeJson } from '../core/text.js';
import type { OutputStream } from './io.js';
import { plainTable } from './table.js';

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
  /**
   * A command's own output (a secret's value, a tool's text): byte for byte to a pipe or a file; on a
   * terminal, control characters other than newline and tab are shown as escapes. Followed by a newline.
   */
  raw(text: string): void;
}

/** The only escape sequences mcpkey writes itself: chalk's bold, dim, red, green and yellow (and their resets). */
const OWN_STYLES = /\x1b\[(?:1|2|22|31|32|33|39)m/g;

/**
 * Text for a terminal: every control character a server, an authorization server or a file may have
 * put into it is escaped (cursor moves, titles, OSC 52 clipboard writes, bidi overrides), except
 * newlines and tabs, and except mcpkey's own colours when colour is on.
 */
export function screen(text: string, color: boolean, keep = '\n\t'): string {
  if (!color) return escapeControls(text, keep);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(OWN_STYLES)) {
    out += escapeControls(text.slice(last, match.index), keep) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeControls(text.slice(last), keep);
}

const require = createRequire(import.meta.url);

/** chalk, once loaded: only a printer with colour on needs it (chalk is ESM only, so it is loaded ahead, asynchronously). */
let chalkModule: typeof import('chalk') | undefined;

/** Loads chalk for a printer with colour on; the CLI calls it before a command runs. */
export async function preloadColor(): Promise<void> {
  chalkModule ??= await import('chalk');
}

/**
 * Without colour, chalk (level 0) returns its arguments joined by spaces, whatever the chain of styles:
 * the same without loading it.
 */
const PLAIN: ChalkInstance = new Proxy(((...text: unknown[]) => (text.length === 1 ? `${text[0]}` : text.join(' '))) as unknown as ChalkInstance, {
  // Any style, however chained (`style.green.bold`), is the same plain function.
  get: (_target, property) => (property === 'level' ? 0 : PLAIN),
});

function colourStyle(): ChalkInstance {
  // Where preloadColor did not run (a direct caller): require() of ESM, which Node 20.19+ and 22.12+ allow.
  chalkModule ??= require('chalk') as typeof import('chalk');
  return new chalkModule.Chalk({ level: 1 });
}

export function createPrinter(stdout: OutputStream, stderr: OutputStream, color: boolean): Printer {
  let styleInstance: ChalkInstance | undefined;
  const style = () => (styleInstance ??= color ? colourStyle() : PLAIN);
  const tty = stdout.isTTY === true;
  return {
    color,
    tty,
    get style() {
      return style();
    },
    line: (text = '') => stdout.write(`${screen(text, color)}\n`),
    success: (text) => {
      if (tty) stdout.write(`${style().green('✓')} ${screen(text, color)}\n`);
    },
    warn: (text) => {
      stderr.write(`${style().yellow('warning:')} ${screen(text, color)}\n`);
    },
    note: (text) => stderr.write(`${screen(text, color)}\n`),
    // Valid JSON, byte for byte the same values; only the characters a terminal would act on are \u-escaped.
    json: (data) => stdout.write(`${safeJson(data, 2)}\n`),
    raw: (text) => stdout.write(`${tty ? escapeControls(text, '\n\t') : text}\n`),
    table: (head, rows) => {
      if (rows.length === 0) return;
      const titles = head.map((title) => style().bold(title.toUpperCase()));
      // A cell is one line: its newlines are escaped too.
      const cells = rows.map((row) => row.map((cell) => screen(cell, color, '')));
      // Plain cells are padded here, byte for byte as cli-table3 would (table.ts); the rest is cli-table3's.
      const lines = plainTable(titles, cells, PADDING_RIGHT) ?? tableLines(titles, cells);
      stdout.write(`${lines.map((line) => line.trimEnd()).join('\n')}\n`);
    },
  };
}

const PADDING_RIGHT = 2;

/** Borderless columns, like `gh` and `kubectl`: easy to read and to grep. */
export function tableLines(head: string[], rows: string[][]): string[] {
  // cli-table3 (CommonJS, so loadable on the spot) only when a table is written.
  const Table = require('cli-table3') as typeof TableClass;
  const table = new Table({ head, chars: BORDERLESS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': PADDING_RIGHT } });
  table.push(...rows);
  return table.toString().split('\n');
}

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '',
};
