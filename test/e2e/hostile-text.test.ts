import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileMcp, type HostileMcp } from '../fixtures/hostile-mcp.js';
import { startHostileOAuth, type HostileOAuth } from '../fixtures/hostile-oauth.js';
import { requireSecretService, ROOT, runInTerminal, useSandbox, type RunResult } from './helpers.js';

beforeAll(requireSecretService);

const REDIRECT_BROWSER = join(ROOT, 'test/fixtures/redirect-browser.mjs');

/**
 * What a hostile peer sends: an OSC 52 clipboard write, a window title, clear screen, a colour, the
 * 8-bit CSI (C1), a bidi override that reverses what follows, and a carriage return that overwrites.
 */
const HOSTILE = 'a\u001b]52;c;cGF5bG9hZA==\u0007b\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b2J\u202eesrever\rX';
/** Every one of those, as a terminal would act on it. */
const ACTIVE = ['\u001b]52', '\u001b]0;', '\u001b[2J', '\u001b[31m', '\u009b', '\u202e', '\u0007', 'red\u009b', 'esrever\rX'];

/** Nothing a terminal would act on, and the escaped form is there to read. */
function expectDefused(text: string, where: string): void {
  for (const sequence of ACTIVE) expect(text, `${where} carries ${JSON.stringify(sequence)}`).not.toContain(sequence);
  expect(text, where).toContain('\\x1b]52;c;cGF5bG9hZA==\\x07');
}

const sandbox = useSandbox();

describe('an authorization server’s words', () => {
  let peer: HostileOAuth;
  beforeAll(async () => {
    peer = await startHostileOAuth();
  });
  afterAll(async () => {
    await peer?.close();
  });

  /** `oauth authorize`, or with `json` the authorization `tools list --authorize --json` runs first (errors as JSON). */
  async function authorize(json = false): Promise<RunResult> {
    expect((await sandbox.run(['server', 'add', 'evil', '--url', peer.url, '--force'])).code).toBe(0);
    const args = json ? ['tools', 'list', 'evil', '--authorize', '--json'] : ['oauth', 'authorize', 'evil'];
    return sandbox.run(args, { env: { BROWSER: REDIRECT_BROWSER }, timeoutMs: 90_000 });
  }

  it('error_description in the authorization redirect, and an error code that is no code', async () => {
    peer.configure({ authorizeError: { error: 'access_denied', error_description: HOSTILE } });
    const result = await authorize();
    expect(result.code).toBe(7);
    expectDefused(result.stderr, 'stderr');
    expect(result.stderr).toMatch(/authorization refused by the provider: access_denied \(a\\x1b\]52/);

    peer.configure({ authorizeError: { error: `denied${HOSTILE}`, error_description: 'x' } });
    const json = await authorize(true);
    expect(json.code).toBe(7);
    expect(json.stderr).not.toContain('\u001b');
    // The sign-in's progress notes come first; the error object is the last line.
    const error = JSON.parse(json.stderr.trim().split('\n').at(-1)!).error;
    expect(error.code).toBe('authorization_refused');
    expect(error.message).toContain('denieda\\x1b]52');
  }, 120_000);

  it('error_description from registration and from the token endpoint', async () => {
    peer.configure({ registrationError: { error: 'invalid_client_metadata', error_description: HOSTILE } });
    const registration = await authorize();
    expect(registration.code).toBe(7);
    expectDefused(registration.stderr, 'stderr of the registration error');

    peer.configure({ tokenError: { error: 'invalid_grant', error_description: HOSTILE } });
    const token = await authorize();
    expect(token.code).toBe(7);
    expectDefused(token.stderr, 'stderr of the token error');
    expect(token.stderr).toMatch(/the server answered invalid_grant: a\\x1b\]52/);
  }, 120_000);

  it('a granted scope shown by oauth ls: escaped in the table, exact in --json', async () => {
    peer.configure({ tokenScope: `read ${HOSTILE}` });
    expect((await authorize()).code).toBe(0);
    const table = await sandbox.run(['oauth', 'ls']);
    expect(table.code, table.stderr).toBe(0);
    expectDefused(table.stdout, 'oauth ls');
    const json = await sandbox.run(['oauth', 'ls', '--json']);
    expect(json.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e\r]/);
    expect(JSON.parse(json.stdout).servers.find((item: { name: string }) => item.name === 'evil').scopes).toEqual(['read', ...HOSTILE.split(' ')]);
  }, 120_000);
});

describe('an MCP server’s words', () => {
  let peer: HostileMcp;
  const tool = `ev\u001b[2Jil\u202e`;
  beforeAll(async () => {
    peer = await startHostileMcp({ tools: [{ name: tool, description: HOSTILE, inputSchema: { type: 'object', properties: { [`arg${HOSTILE}`]: { type: 'string' } } } }], resultText: `line one\n${HOSTILE}\tend` });
  });
  afterAll(async () => {
    await peer?.close();
  });
  const add = async () => expect((await sandbox.run(['server', 'add', 'evil', '--url', peer.url, '--no-auth'])).code).toBe(0);
  const PROTOCOL = ['--protocol', '2025-11-25'];

  it('tool names, descriptions and arguments: escaped in tools list and server inspect, exact in --json', async () => {
    await add();
    const list = await sandbox.run(['tools', 'list', 'evil', ...PROTOCOL]);
    expect(list.code, list.stderr).toBe(0);
    expectDefused(list.stdout, 'tools list');
    expect(list.stdout).toContain('ev\\x1b[2Jil\\u202e');

    const json = await sandbox.run(['tools', 'list', 'evil', '--json', ...PROTOCOL]);
    expect(json.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e\r]/);
    const listed = JSON.parse(json.stdout).tools[0];
    expect(listed.name).toBe(tool);
    expect(listed.description).toBe(HOSTILE);

    const terminal = await runInTerminal(sandbox, ['server', 'inspect', 'evil', '--tools'], []);
    expectDefused(terminal.stdout, 'server inspect --tools on a terminal');
  }, 180_000);

  it('a tool’s text: byte for byte to a pipe, escaped on a terminal (newlines and tabs kept)', async () => {
    await add();
    const piped = await sandbox.run(['tools', 'call', 'evil', tool, ...PROTOCOL]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe(`line one\n${HOSTILE}\tend\n`);

    const terminal = await runInTerminal(sandbox, ['tools', 'call', 'evil', tool, ...PROTOCOL], []);
    expect(terminal.code).toBe(0);
    expectDefused(terminal.stdout, 'tools call on a terminal');
    expect(terminal.stdout).toMatch(/line one\r?\na\\x1b\]52/);
    expect(terminal.stdout).toContain('\\x0dX\tend');

    const json = await sandbox.run(['tools', 'call', 'evil', tool, '--json', ...PROTOCOL]);
    expect(json.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(JSON.parse(json.stdout).content[0].text).toBe(`line one\n${HOSTILE}\tend`);
  }, 180_000);

  it('a server’s error message, in one escaped line', async () => {
    await add();
    peer.configure({ errorMessage: `boom ${HOSTILE}\nsecond line` });
    try {
      const result = await sandbox.run(['tools', 'call', 'evil', tool, ...PROTOCOL]);
      expect(result.code).toBe(9);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/[\u001b\u0007\u009b\u202e\r]/);
      expect(result.stderr).toContain('boom a\\x1b]52');
      expect(result.stderr).not.toContain('second line');
    } finally {
      peer.configure({ errorMessage: undefined });
    }
  });
});

describe('a secret’s value', () => {
  it('secret get: byte for byte to a pipe, escaped on a terminal', async () => {
    expect((await sandbox.run(['secret', 'set', 'odd.key'], { input: HOSTILE })).code).toBe(0);
    expect((await sandbox.run(['secret', 'get', 'odd.key'])).stdout).toBe(`${HOSTILE}\n`);
    const terminal = await runInTerminal(sandbox, ['secret', 'get', 'odd.key'], []);
    expect(terminal.code).toBe(0);
    expectDefused(terminal.stdout, 'secret get on a terminal');
  });
});
