import { describe, expect, it } from 'vitest';
import { buildArguments, renderContent } from '../../src/commands/tools/call.js';
import { describeTools } from '../../src/core/protocol/tools.js';
import type { ResolvedEntry } from '../../src/core/catalog/types.js';
import { UsageError } from '../../src/core/errors.js';
import { fillTemplate, launchSpec } from '../../src/core/run/launch.js';

const stdioEntry: ResolvedEntry = {
  name: 'neon',
  title: 'Neon',
  description: '',
  source: 'builtin',
  transport: { type: 'stdio', command: 'npx', args: ['-y', 'server', 'start', '${NEON_API_KEY}'], env: { MODE: 'x' } },
  secrets: [{ name: 'neon.api_key', env: 'NEON_API_KEY', description: '' }],
};

describe('launchSpec / fillTemplate', () => {
  it('fills only declared placeholders and leaves other text alone', () => {
    expect(fillTemplate('Bearer ${A} ${B} $A', { A: 'x' })).toBe('Bearer x ${B} $A');
  });

  it('puts secrets and the entry env in the environment; argv only where ${VAR} says so', () => {
    const spec = launchSpec(stdioEntry, { NEON_API_KEY: 'k' }, { PATH: '/bin', MODE: 'overridden?' });
    expect(spec).toEqual({ command: 'npx', args: ['-y', 'server', 'start', 'k'], env: { PATH: '/bin', MODE: 'x', NEON_API_KEY: 'k' }, secretOf: { NEON_API_KEY: 'neon.api_key' } });
  });

  it('runs the override command with the same environment', () => {
    const spec = launchSpec(stdioEntry, { NEON_API_KEY: 'k' }, {}, ['my-neon', '--flag']);
    expect(spec).toEqual({ command: 'my-neon', args: ['--flag'], env: { MODE: 'x', NEON_API_KEY: 'k' }, secretOf: { NEON_API_KEY: 'neon.api_key' } });
  });
});

describe('tools call arguments', () => {
  const schema = { properties: { n: { type: 'integer' }, on: { type: 'boolean' }, tags: { type: 'array' }, text: { type: 'string' } } };

  it('types values after the schema and merges --json-args first', () => {
    expect(buildArguments(['n=3', 'on=false', 'tags=["a"]', 'text=a=b'], '{"text":"replaced","extra":1}', schema)).toEqual({
      n: 3,
      on: false,
      tags: ['a'],
      text: 'a=b',
      extra: 1,
    });
  });

  it.each([
    [['n=three'], undefined],
    [['on=yes'], undefined],
    [['tags=[oops'], undefined],
    [['novalue'], undefined],
    [[], '[1,2]'],
    [[], '{bad'],
  ])('refuses %j / %j as a usage error', (pairs, json) => {
    expect(() => buildArguments(pairs, json, schema)).toThrow(UsageError);
  });
});

describe('tool output', () => {
  it('prints text as text and summarises other content', () => {
    expect(
      renderContent([
        { type: 'text', text: 'hello' },
        { type: 'image', mimeType: 'image/png', data: 'AAAA' },
        { type: 'resource_link', uri: 'file:///x' },
        { type: 'resource', resource: { uri: 'mem://y' } },
      ]),
    ).toBe('hello\n[image: image/png, 3 bytes]\n[resource link: file:///x]\n[resource: mem://y]');
  });

  it('describes tool arguments with their types and whether they are required', () => {
    expect(
      describeTools([{ name: 't', inputSchema: { properties: { a: { type: 'string', description: 'A' }, b: {} }, required: ['a'] } }]),
    ).toEqual([
      {
        name: 't',
        arguments: [{ name: 'a', type: 'string', required: true, description: 'A' }, { name: 'b', required: false }],
        inputSchema: { properties: { a: { type: 'string', description: 'A' }, b: {} }, required: ['a'] },
      },
    ]);
  });
});
