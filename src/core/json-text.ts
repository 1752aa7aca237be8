/**
 * JSON.parse with an error that quotes nothing. V8's messages carry a few characters of the text
 * around the fault ("Unexpected token 'x', "...ab12" is not valid JSON"), and a config file or a
 * client's file may hold a token right there, or terminal escapes. mcpkey says where instead: a
 * line and a column, found by a small scan of its own.
 */

export type JsonParse = { ok: true; value: unknown } | { ok: false; problem: string };

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** The offset of the first syntax error, and what was expected there (the text is known not to parse). */
function locate(text: string): { at: number; expected: string } {
  let i = 0;
  const fail = (expected: string): never => {
    throw { at: i, expected };
  };
  const space = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i += 1;
  };
  const literal = (word: string) => {
    for (const c of word) if (text[i++] !== c) ((i -= 1), fail(`"${word}"`));
  };
  const string = () => {
    i += 1;
    for (;;) {
      if (i >= text.length) fail('a closing quote');
      const c = text.charCodeAt(i);
      if (c === 0x22) return void (i += 1);
      if (c < 0x20) fail('no control character inside a string');
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) ((i += 1), fail('four hex digits after \\u'));
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else ((i += 1), fail('a valid escape'));
      } else i += 1;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '' || match[0] === '-') fail('a value');
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i += 1;
      space();
      if (text[i] === '}') return void (i += 1);
      for (;;) {
        space();
        if (text[i] !== '"') fail('a double-quoted property name');
        string();
        space();
        if (text[i] !== ':') fail("':'");
        i += 1;
        value();
        space();
        if (text[i] === ',') i += 1;
        else if (text[i] === '}') return void (i += 1);
        else fail("',' or '}'");
      }
    }
    if (c === '[') {
      i += 1;
      space();
      if (text[i] === ']') return void (i += 1);
      for (;;) {
        value();
        space();
        if (text[i] === ',') i += 1;
        else if (text[i] === ']') return void (i += 1);
        else fail("',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail('a value');
  };
  try {
    value();
    space();
    if (i < text.length) fail('the end of the text');
  } catch (error) {
    return error as { at: number; expected: string };
  }
  // Only reached if the scan is more lenient than JSON.parse somewhere: still say nothing of the text.
  return { at: text.length, expected: 'valid JSON' };
}

/** "line 3, column 14: expected ',' or '}'", or "unexpected end of the text". */
function describe(text: string, fault: { at: number; expected: string }): string {
  if (fault.at >= text.length) return `unexpected end of the text (expected ${fault.expected})`;
  const before = text.slice(0, fault.at);
  const line = before.split('\n').length;
  const column = fault.at - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: expected ${fault.expected}`;
}

export function parseJsonText(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: `not valid JSON at ${describe(text, locate(text))}` };
  }
}
