import { describe, expect, it } from 'vitest';
import { entryActions, openClientDocument, renderSnippet, type ClientDocument } from '../../src/core/clients/documents.js';
import type { BuiltEntry } from '../../src/core/clients/formats.js';
import { commandWarning, describeMissing, serverWarnings } from '../../src/core/clients/warnings.js';

const entry = (name: string, value: Record<string, unknown>): BuiltEntry => ({ name, via: 'run', entry: value });

async function open(client: Parameters<typeof openClientDocument>[0], text: string | undefined): Promise<ClientDocument> {
  const opened = await openClientDocument(client, text);
  if (!opened.ok) throw new Error(opened.problem);
  return opened.doc;
}

describe('JSON with comments (Zed, VS Code, Gemini CLI)', () => {
  const zed = '// settings\n{\n\t"theme": "One Dark", // mine\n\t"context_servers": {\n\t\t"other": { "command": "x" },\n\t},\n}\n';

  it('adds an entry in place, in the file\'s own indentation, every comment and other byte kept', async () => {
    const doc = await open('zed', zed);
    expect(doc.servers).toEqual({ other: { command: 'x' } });
    expect(doc.edit([entry('neon', { command: 'mcpkey', args: ['run', 'neon'] })], [])).toBe(
      '// settings\n{\n\t"theme": "One Dark", // mine\n\t"context_servers": {\n\t\t"other": { "command": "x" },\n\t\t"neon": {\n\t\t\t"command": "mcpkey",\n\t\t\t"args": [\n\t\t\t\t"run",\n\t\t\t\t"neon"\n\t\t\t]\n\t\t},\n\t},\n}\n',
    );
  });

  it('replaces and removes entries by name, leaving the rest', async () => {
    const doc = await open('zed', zed);
    const replaced = doc.edit([entry('other', { command: 'mcpkey', args: ['run', 'other'] })], []);
    expect(replaced).toContain('// mine');
    expect(replaced).toContain('"command": "mcpkey"');
    expect(replaced).not.toContain('"command": "x"');
    const removed = doc.edit([], ['other']);
    expect(removed).toContain('"theme": "One Dark", // mine');
    expect(removed).not.toContain('other');
  });

  it('an empty or missing file becomes plain JSON; invalid text and a wrong servers key are refused', async () => {
    expect((await open('vscode', undefined)).edit([entry('a', { type: 'stdio', command: 'mcpkey', args: ['run', 'a'] })], [])).toBe(
      `${JSON.stringify({ servers: { a: { type: 'stdio', command: 'mcpkey', args: ['run', 'a'] } } }, null, 2)}\n`,
    );
    expect(await openClientDocument('zed', '{ "a": ')).toMatchObject({ ok: false, problem: expect.stringMatching(/^it is not valid JSON \(.* at line 1\)$/) });
    expect(await openClientDocument('zed', '[1]')).toMatchObject({ ok: false, problem: 'it is not a JSON object' });
    expect(await openClientDocument('gemini', '{ "mcpServers": [] }')).toMatchObject({ ok: false, problem: '"mcpServers" is not an object' });
  });
});

describe('TOML (Codex CLI)', () => {
  it('sets and removes [mcp_servers.NAME] tables; other keys and tables stay; comments are reported as lost', async () => {
    const text = '# comment\nmodel = "o3"\n\n[mcp_servers.docs]\ncommand = "npx" # trailing\n';
    const doc = await open('codex', text);
    expect(doc.losesComments).toBe(true);
    expect(doc.servers).toEqual({ docs: { command: 'npx' } });
    const out = doc.edit([entry('neon', { command: 'mcpkey', args: ['run', 'neon'] })], ['docs']);
    expect(out).toBe('model = "o3"\n\n[mcp_servers.neon]\ncommand = "mcpkey"\nargs = [ "run", "neon" ]\n');
    expect((await open('codex', 'a = "# not a comment"\n')).losesComments).toBe(false);
  });

  it('refuses invalid TOML by line only (never quoting it), a non-table mcp_servers and __proto__ keys', async () => {
    expect(await openClientDocument('codex', 'token = "sk-secret\n')).toEqual({ ok: false, problem: 'it is not valid TOML (line 1)' });
    expect(await openClientDocument('codex', 'mcp_servers = 1\n')).toEqual({ ok: false, problem: '"mcp_servers" is not a table' });
    expect(await openClientDocument('codex', '[mcp_servers.__proto__]\ncommand = "x"\n')).toMatchObject({ ok: false });
  });
});

describe('YAML (Goose)', () => {
  it('adds and removes extensions with every comment kept', async () => {
    const text = '# top\nGOOSE_MODE: auto # mode\nextensions:\n  developer:\n    type: builtin # builtin\n';
    const doc = await open('goose', text);
    expect(doc.servers).toEqual({ developer: { type: 'builtin' } });
    const added = doc.edit([entry('neon', { type: 'stdio', cmd: 'mcpkey', args: ['run', 'neon'] })], []);
    expect(added).toBe(`${text}  neon:\n    type: stdio\n    cmd: mcpkey\n    args:\n      - run\n      - neon\n`);
    expect((await open('goose', added)).edit([], ['neon'])).toBe(text);
    // The one place the yaml library moves a comment: after a mapping's key, it goes to the next line.
    const moved = (await open('goose', 'extensions:\n  developer: # builtin\n    type: builtin\n')).edit([entry('a', { cmd: 'mcpkey' })], []);
    expect(moved).toBe('extensions:\n  developer:\n    # builtin\n    type: builtin\n  a:\n    cmd: mcpkey\n');
  });

  it('an empty file or a null extensions key gets a mapping; invalid YAML and a non-mapping are refused', async () => {
    expect((await open('goose', undefined)).edit([entry('a', { cmd: 'mcpkey' })], [])).toBe('extensions:\n  a:\n    cmd: mcpkey\n');
    expect((await open('goose', 'extensions:\n')).edit([entry('a', { cmd: 'mcpkey' })], [])).toBe('extensions:\n  a:\n    cmd: mcpkey\n');
    expect(await openClientDocument('goose', 'a: [\n')).toMatchObject({ ok: false, problem: expect.stringMatching(/^it is not valid YAML/) });
    expect(await openClientDocument('goose', '- a\n')).toEqual({ ok: false, problem: 'it is not a YAML mapping' });
    expect(await openClientDocument('goose', 'extensions: [1]\n')).toEqual({ ok: false, problem: '"extensions" is not a mapping' });
  });
});

describe('entryActions and renderSnippet', () => {
  it('says which entries would be added, replaced or left as they are', async () => {
    const doc = await open('cursor', JSON.stringify({ mcpServers: { same: { args: ['run', 'same'], command: 'mcpkey' }, old: { command: 'npx' } } }));
    expect(entryActions(doc, [entry('same', { command: 'mcpkey', args: ['run', 'same'] }), entry('old', { command: 'mcpkey' }), entry('new', {})])).toEqual({
      same: 'unchanged',
      old: 'replaced',
      new: 'added',
    });
  });

  it('prints the snippet in the client\'s own syntax', async () => {
    expect(await renderSnippet('codex', { mcp_servers: { a: { command: 'mcpkey', args: ['run', 'a'] } } })).toBe('[mcp_servers.a]\ncommand = "mcpkey"\nargs = [ "run", "a" ]');
    expect(await renderSnippet('goose', { extensions: { a: { cmd: 'mcpkey' } } })).toBe('extensions:\n  a:\n    cmd: mcpkey');
    expect(await renderSnippet('zed', { context_servers: { a: { command: 'mcpkey' } } })).toBe('{\n  "context_servers": {\n    "a": {\n      "command": "mcpkey"\n    }\n  }\n}');
  });
});


describe('warnings', () => {
  it('a server not ready names what is missing and the commands; a shell-only secret says where it was found', () => {
    expect(serverWarnings('Cursor', 'neon', { ready: false, missing: ['neon.api_key'], missingItems: ['neon.api_key'], nextSteps: ['mcpkey secret set neon.api_key'], envOnly: [] })).toEqual([
      'neon is not ready (missing neon.api_key); Cursor will fail to start it until then: mcpkey secret set neon.api_key',
    ]);
    expect(serverWarnings('Zed', 'neon', { ready: true, missing: [], missingItems: [], nextSteps: [], envOnly: [{ name: 'neon.api_key', foundAs: 'NEON_API_KEY', source: 'env' }] })).toEqual([
      "neon.api_key comes only from this shell's environment ($NEON_API_KEY); Zed, started from elsewhere, will not see it: store it in the keychain with mcpkey secret set neon.api_key",
    ]);
    expect(serverWarnings('Zed', 'memory', { ready: true, missing: [], missingItems: [], nextSteps: [], envOnly: [] })).toEqual([]);
  });

  it('describes missing items whether they are strings or typed items', () => {
    expect(['neon.api_key', { type: 'secret', name: 'neon.api_key', env: 'NEON_API_KEY' }, { type: 'oauth' }, { type: 'launcher', command: 'uvx' }, { type: 'node', required: '>=22', current: '20.1.0' }].map(describeMissing)).toEqual([
      'neon.api_key',
      'neon.api_key',
      'oauth authorization',
      'the launcher uvx',
      'Node.js >=22 (this is 20.1.0)',
    ]);
  });

  it('mcpkey not on PATH offers --command with this mcpkey; a missing --command path is named', () => {
    expect(commandWarning('mcpkey', '/usr/bin/mcpkey', '/x/bin/mcpkey.js')).toBeUndefined();
    expect(commandWarning('mcpkey', undefined, '/x/bin/mcpkey.js')).toMatch(/^mcpkey is not on PATH.*--command \/x\/bin\/mcpkey\.js/);
    expect(commandWarning('mcpkey', undefined, undefined)).toMatch(/--command \/absolute\/path\/to\/mcpkey/);
    expect(commandWarning('/opt/mcpkey', undefined, undefined)).toBe('--command /opt/mcpkey is not an executable file; the client will fail to start it');
  });
});
