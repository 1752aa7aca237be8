import { describe, expect, it } from 'vitest';
import { answerElicitation, canElicit, elicitFields, parseInputs } from '../../src/core/protocol/elicitation.js';
import { parseProtocolChoice } from '../../src/core/protocol/revisions.js';
import { headerAnnotationProblem } from '../../src/core/protocol/tool-headers.js';
import { listAllTools } from '../../src/core/protocol/tools.js';
import { UsageError } from '../../src/core/errors.js';

const prop = (type: unknown, header?: unknown) => ({ type, ...(header !== undefined ? { 'x-mcp-header': header } : {}) });
const schema = (properties: Record<string, unknown>) => ({ type: 'object', properties });

describe('x-mcp-header annotations (SEP-2243)', () => {
  it.each([
    ['no annotation at all', schema({ a: prop('string') })],
    ['a string, an integer and a boolean', schema({ a: prop('string', 'Region'), b: prop('integer', 'Count'), c: prop('boolean', 'Dry-Run') })],
    ['a nested property reached through properties only', schema({ outer: { type: 'object', properties: { inner: prop('string', 'Inner') } } })],
    ['every tchar', schema({ a: prop('string', "!#$%&'*+-.^_`|~09azAZ") })],
  ])('valid: %s', (_label, input) => {
    expect(headerAnnotationProblem(input)).toBeUndefined();
  });

  it.each([
    ['an empty name', schema({ a: prop('string', '') }), /empty/],
    ['a name that is not a string', schema({ a: prop('string', 7) }), /empty or not a string/],
    ['a space in the name', schema({ a: prop('string', 'Two Words') }), /not an HTTP header token/],
    ['CR/LF in the name', schema({ a: prop('string', 'A\r\nB') }), /not an HTTP header token/],
    ['a non-ASCII name', schema({ a: prop('string', 'Région') }), /not an HTTP header token/],
    ['an object property', schema({ a: prop('object', 'Obj') }), /string, integer or boolean/],
    ['an array property', schema({ a: prop('array', 'Arr') }), /string, integer or boolean/],
    ['a null property', schema({ a: prop('null', 'Nil') }), /string, integer or boolean/],
    ['a number property', schema({ a: prop('number', 'Num') }), /string, integer or boolean/],
    ['an untyped property', schema({ a: { 'x-mcp-header': 'Any' } }), /untyped/],
    ['the same name twice, ignoring case', schema({ a: prop('string', 'Region'), b: prop('string', 'region') }), /used twice/],
    ['under items', schema({ list: { type: 'array', items: prop('string', 'Item') } }), /not a plain property/],
    ['under anyOf', schema({ a: { anyOf: [prop('string', 'Alt')] } }), /not a plain property/],
    ['at the schema root', { type: 'string', 'x-mcp-header': 'Root' }, /not a plain property/],
  ])('invalid: %s', (_label, input, reason) => {
    expect(headerAnnotationProblem(input)).toMatch(reason);
  });

  it('lists every page and sets aside only the invalid tools, and only over HTTP', async () => {
    const pages: Record<string, { tools: unknown[]; nextCursor?: string }> = {
      first: { tools: [{ name: 'good', inputSchema: schema({ a: prop('string', 'A') }) }], nextCursor: 'p2' },
      p2: { tools: [{ name: 'bad', inputSchema: schema({ a: prop('object', 'A') }) }, { name: 'plain', inputSchema: schema({}) }] },
    };
    const request = async (cursor: string | undefined) => pages[cursor ?? 'first']!;
    const http = await listAllTools<{ name: string }>(request, true);
    expect(http.tools.map((tool) => tool.name)).toEqual(['good', 'plain']);
    expect(http.excluded).toEqual([{ name: 'bad', reason: expect.stringMatching(/string, integer or boolean/) }]);
    const stdio = await listAllTools<{ name: string }>(request, false);
    expect(stdio.tools.map((tool) => tool.name)).toEqual(['good', 'bad', 'plain']);
  });
});

describe('elicitation', () => {
  const form = {
    message: 'Deploy?',
    requestedSchema: { type: 'object', properties: { approve: { type: 'boolean', default: true }, note: { type: 'string' } }, required: ['approve'] },
  };

  it('declines without a terminal unless told otherwise; declares the capability only when it can answer', async () => {
    expect(await answerElicitation(form, { mode: 'decline', inputs: {} })).toEqual({ action: 'decline' });
    expect(canElicit({ mode: 'decline', inputs: {} })).toBe(false);
    expect(canElicit({ mode: 'accept-defaults', inputs: {} })).toBe(true);
    expect(canElicit({ mode: 'decline', inputs: { note: 'x' } })).toBe(true);
    expect(canElicit({ mode: 'ask', inputs: {} })).toBe(false);
  });

  it('accept-defaults fills every field from its default; --input wins over a default', async () => {
    expect(await answerElicitation(form, { mode: 'accept-defaults', inputs: {} })).toEqual({ action: 'accept', content: { approve: true } });
    expect(await answerElicitation(form, { mode: 'decline', inputs: { approve: false, note: 'later' } })).toEqual({ action: 'accept', content: { approve: false, note: 'later' } });
  });

  it('declines when a required field has neither a default nor an answer, and URL-mode requests', async () => {
    const strict = { requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } };
    expect(await answerElicitation(strict, { mode: 'accept-defaults', inputs: {} })).toEqual({ action: 'decline' });
    expect(await answerElicitation({ mode: 'url' }, { mode: 'accept-defaults', inputs: {} })).toEqual({ action: 'decline' });
  });

  it('asks on a terminal with the fields pre-filled', async () => {
    const asked: unknown[] = [];
    const answer = await answerElicitation(form, { mode: 'ask', inputs: { note: 'hi' }, ask: async (question) => (asked.push(question), { action: 'cancel' }) });
    expect(answer).toEqual({ action: 'cancel' });
    expect(asked).toEqual([{ message: 'Deploy?', fields: elicitFields(form.requestedSchema, { note: 'hi' }) }]);
    expect(elicitFields(form.requestedSchema, { note: 'hi' })).toEqual([
      { name: 'approve', type: 'boolean', required: true, value: true },
      { name: 'note', type: 'string', required: false, value: 'hi' },
    ]);
  });

  it('--input takes JSON, and a bare word as a string', () => {
    expect(parseInputs(['n=3', 'ok=true', 'name="Ada"', 'word=plain', 'obj={"a":1}'])).toEqual({ n: 3, ok: true, name: 'Ada', word: 'plain', obj: { a: 1 } });
    expect(() => parseInputs(['novalue'])).toThrow(UsageError);
  });
});

describe('--protocol', () => {
  it('takes auto and the two revisions, nothing else', () => {
    expect(parseProtocolChoice(undefined)).toBe('auto');
    expect(parseProtocolChoice('2026-07-28')).toBe('2026-07-28');
    expect(parseProtocolChoice('2025-11-25')).toBe('2025-11-25');
    expect(() => parseProtocolChoice('2024-01-01')).toThrow(/--protocol must be one of auto, 2026-07-28, 2025-11-25/);
  });
});
