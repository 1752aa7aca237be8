import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startModernMcpServer, type ModernMcpServer } from '../fixtures/mcp-server-2026.js';
import { requireSecretService, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();
let modern: ModernMcpServer;
let dual: ModernMcpServer;

beforeAll(async () => {
  modern = await startModernMcpServer({});
  dual = await startModernMcpServer({ legacy: 'stateless' });
});
beforeEach(async () => {
  expect((await sandbox.run(['server', 'add', 'modern', '--url', modern.url, '--no-auth'])).code).toBe(0);
  expect((await sandbox.run(['server', 'add', 'dual', '--url', dual.url, '--no-auth'])).code).toBe(0);
});
afterAll(async () => {
  await modern?.close();
  await dual?.close();
});

const META = ['io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientCapabilities', 'io.modelcontextprotocol/clientInfo'];

describe('a 2026-07-28 server, with no flag', () => {
  it('tools list speaks the stateless wire: no initialize, the headers and _meta on every request', async () => {
    modern.clearRequests();
    const result = await sandbox.run(['tools', 'list', 'modern', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data.protocol).toBe('2026-07-28');
    const names = data.tools.map((tool: { name: string }) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['whoami', 'echo', 'headered', 'confirm']));
    // A tool whose x-mcp-header annotation is invalid is excluded; the others stay usable.
    expect(names).not.toContain('badheader');
    expect(data.excluded).toEqual([{ name: 'badheader', reason: expect.stringMatching(/x-mcp-header/) }]);
    expect(result.stderr).toMatch(/left out the tool badheader/);
    // inputSchema verbatim, extension keywords included.
    const headered = data.tools.find((tool: { name: string }) => tool.name === 'headered');
    expect(JSON.stringify(headered.inputSchema)).toContain('x-mcp-header');

    const posts = modern.requests().filter((request) => request.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    expect(modern.rpcRequests('initialize')).toEqual([]);
    for (const post of posts) {
      expect(post.headers['mcp-protocol-version']).toBe('2026-07-28');
      expect(post.headers['mcp-method']).toBe(post.rpcMethods[0]);
      expect(post.headers.accept).toMatch(/application\/json/);
      expect(post.headers.accept).toMatch(/text\/event-stream/);
      const meta = (post.body as { params?: { _meta?: Record<string, unknown> } }).params?._meta ?? {};
      for (const key of META) expect(meta, `${post.rpcMethods[0]} _meta`).toHaveProperty(key);
      expect(meta['io.modelcontextprotocol/clientInfo']).toMatchObject({ name: 'mcpkey' });
    }
  });

  it('remembers the era: the next command sends no server/discover', async () => {
    expect((await sandbox.run(['tools', 'list', 'modern'])).code).toBe(0);
    modern.clearRequests();
    expect((await sandbox.run(['tools', 'list', 'modern'])).code).toBe(0);
    expect(modern.rpcRequests('server/discover')).toEqual([]);
    expect(modern.rpcRequests('tools/list').length).toBe(1);
  });

  it('tools call sends Mcp-Name and mirrors x-mcp-header arguments into Mcp-Param headers', async () => {
    modern.clearRequests();
    const result = await sandbox.run(['tools', 'call', 'modern', 'headered', '--arg', 'region=eu west', '--arg', 'count=3', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [call] = modern.rpcRequests('tools/call');
    expect(call!.headers['mcp-name']).toBe('headered');
    expect(call!.headers['mcp-param-count']).toBe('3');
    // Leading/trailing whitespace-free printable ASCII goes as it is.
    expect(call!.headers['mcp-param-region']).toBe('eu west');
  });

  it('refuses to call an excluded tool with a clear error', async () => {
    const result = await sandbox.run(['tools', 'call', 'modern', 'badheader']);
    expect(result.code).toBe(9);
    expect(result.stderr).toMatch(/tool badheader cannot be called as the server defines it: x-mcp-header/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('answers input_required: declined without a terminal, accepted with --elicit accept-defaults or --input', async () => {
    const declined = await sandbox.run(['tools', 'call', 'modern', 'confirm']);
    // Nobody to ask and no answer given: mcpkey declares no elicitation, and the server says it needs one.
    expect(declined.code).toBe(4);
    expect(declined.stderr).toMatch(/modern needs an answer from you: .*elicitation.* — run it on a terminal, or answer in advance with --input/);
    const defaults = await sandbox.run(['tools', 'call', 'modern', 'confirm', '--elicit', 'accept-defaults', '--json']);
    expect(defaults.code, defaults.stderr).toBe(0);
    expect(defaults.stdout).toMatch(/fine by me/);
    const given = await sandbox.run(['tools', 'call', 'modern', 'confirm', '--input', 'comment="ship it"', '--json']);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).toMatch(/ship it/);
    expect(declined.stdout).not.toMatch(/fine by me/);
  });

  it('--protocol 2025-11-25 against a 2026-only server fails with one line and exit 9', async () => {
    const result = await sandbox.run(['tools', 'list', 'modern', '--protocol', '2025-11-25']);
    expect(result.code).toBe(9);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a server that speaks both eras', () => {
  it('is spoken to in 2026-07-28 by default and in 2025-11-25 when forced', async () => {
    const auto = JSON.parse((await sandbox.run(['tools', 'list', 'dual', '--json'])).stdout);
    expect(auto.protocol).toBe('2026-07-28');
    dual.clearRequests();
    const forced = await sandbox.run(['tools', 'list', 'dual', '--json', '--protocol', '2025-11-25']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).protocol).toBe('2025-11-25');
    expect(dual.rpcRequests('initialize').length).toBe(1);
  });
});
