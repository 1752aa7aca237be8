import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/core/json-text.js';

const TOKEN = 'tok-3f9a1c7e5b2d';

describe('parseJsonText', () => {
  it('parses valid JSON as JSON.parse does', () => {
    expect(parseJsonText('{"a": [1, "x", null, true, false, -2.5e3]}')).toEqual({ ok: true, value: { a: [1, 'x', null, true, false, -2500] } });
  });

  it.each([
    [`{"token": "${TOKEN}" "b": 1}`, "line 1, column 30: expected ',' or '}'"],
    [`{"token": "${TOKEN}", }`, 'line 1, column 31: expected a double-quoted property name'],
    [`{\n  "token": "${TOKEN}"\n  x`, "line 3, column 3: expected ',' or '}'"],
    [`{"a": tr}`, 'line 1, column 9: expected "true"'],
    [`{"token": "${TOKEN}\u001b]0;owned\u0007"}`, 'line 1, column 28: expected no control character inside a string'],
    [`{"a": "\\q${TOKEN}"}`, 'line 1, column 9: expected a valid escape'],
    [`@${TOKEN}`, "line 1, column 1: expected a value"],
    [`{"a": 1} ${TOKEN}`, 'line 1, column 10: expected the end of the text'],
    [`{"token": "${TOKEN}`, 'unexpected end of the text (expected a closing quote)'],
    [`[1, 2`, "unexpected end of the text (expected ',' or ']')"],
    [``, 'unexpected end of the text (expected a value)'],
  ])('names the place of the fault in %j, quoting nothing', (text, where) => {
    const result = parseJsonText(text);
    expect(result.ok).toBe(false);
    const problem = (result as { problem: string }).problem;
    expect(problem).toBe(`not valid JSON at ${where}`);
    expect(problem).not.toContain(TOKEN.slice(0, 6));
    expect(problem).not.toMatch(/[\u0000-\u001f]/);
  });
});
