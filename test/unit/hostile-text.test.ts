import { describe, expect, it } from 'vitest';
import { commanderMessage } from '../../src/cli/report.js';
import { createPrinter, screen } from '../../src/cli/output.js';
import { escapeControls, safeJson, untrusted } from '../../src/core/text.js';

const HOSTILE = 'a\u001b]52;c;cGF5bG9hZA==\u0007b\u001b[2J\u009b31m\u202e\u2066c\rd\u007f';

describe('escapeControls', () => {
  it('shows C0, DEL, C1 and bidi controls as escapes, keeping what it is told to', () => {
    expect(escapeControls(HOSTILE)).toBe('a\\x1b]52;c;cGF5bG9hZA==\\x07b\\x1b[2J\\x9b31m\\u202e\\u2066c\\x0dd\\x7f');
    expect(escapeControls('one\ntwo\tthree\r', '\n\t')).toBe('one\ntwo\tthree\\x0d');
    expect(escapeControls('plain text, ünïcödé, 🔑')).toBe('plain text, ünïcödé, 🔑');
  });

  it('untrusted() also clips', () => {
    expect(untrusted(`${'x'.repeat(400)}\u001b`)).toBe(`${'x'.repeat(297)}...`);
  });
});

describe('safeJson', () => {
  it('is valid JSON of exactly the same value, with no raw control or bidi character in it', () => {
    const value = { text: HOSTILE, list: [HOSTILE], n: 1 };
    for (const indent of [undefined, 2]) {
      const text = safeJson(value, indent);
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\u2066]/);
      expect(JSON.parse(text)).toEqual(value);
    }
  });
});

describe('the printer', () => {
  function capture(color: boolean, tty: boolean) {
    let out = '';
    let err = '';
    const printer = createPrinter({ write: (text: string) => (out += text), isTTY: tty }, { write: (text: string) => (err += text) }, color);
    return { printer, out: () => out, err: () => err };
  }

  it('escapes what a peer sent in lines, notes, warnings and tables, keeping its own colours', () => {
    const { printer, out, err } = capture(true, true);
    printer.line(`${printer.style.bold('name')} ${HOSTILE}`);
    printer.note(HOSTILE);
    printer.warn(HOSTILE);
    printer.table(['a'], [[HOSTILE], [printer.style.green('ok')]]);
    expect(out()).toContain('\u001b[1mname\u001b[22m');
    expect(out()).toContain('\u001b[32mok\u001b[39m');
    for (const text of [out(), err()]) {
      expect(text).not.toMatch(/[\u0007\u009b\u202e\u2066\r\u007f]|\u001b\]|\u001b\[2J/);
      expect(text).toContain('\\x1b]52;c;cGF5bG9hZA==\\x07');
    }
  });

  it('without colour, no escape sequence at all gets through', () => {
    expect(screen('\u001b[31mred\u001b[39m', false)).toBe('\\x1b[31mred\\x1b[39m');
    expect(screen('\u001b[31mred\u001b[39m', true)).toBe('\u001b[31mred\u001b[39m');
  });

  it('raw(): byte for byte to a pipe, escaped (newlines and tabs kept) on a terminal', () => {
    const piped = capture(false, false);
    piped.printer.raw(`x\n${HOSTILE}\ty`);
    expect(piped.out()).toBe(`x\n${HOSTILE}\ty\n`);
    const terminal = capture(true, true);
    terminal.printer.raw(`x\n${HOSTILE}\ty`);
    expect(terminal.out()).toBe(`x\n${escapeControls(HOSTILE)}\ty\n`);
  });
});

describe('commanderMessage', () => {
  it('never repeats a value typed into an option', () => {
    expect(commanderMessage("error: unknown option '--value=S3CRET'\n(Did you mean --verbose?)")).toBe("unknown option '--value=…'");
    expect(commanderMessage("error: unknown option '-xS3CRET'")).toBe("unknown option '-x…'");
    expect(commanderMessage("error: option '--transport <kind>' argument 'S3CRET' is invalid. Allowed choices are streamable-http, sse.")).toBe("option '--transport <kind>' has an invalid value. Allowed choices are streamable-http, sse.");
    expect(commanderMessage("error: command-argument value 'S3CRET' is invalid for argument 'client'. Allowed choices are a, b.")).toBe("command-argument value is invalid for argument 'client'. Allowed choices are a, b.");
    expect(commanderMessage("error: unknown option '--bogus'")).toBe("unknown option '--bogus'");
  });
});
