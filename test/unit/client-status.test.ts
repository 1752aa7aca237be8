import { describe, expect, it } from 'vitest';
import { mcpkeyServerOf, readClientFiles, serverOfWords } from '../../src/core/clients/status.js';

const locate = { env: {}, cwd: '/work/project', home: '/home/ada', platform: 'linux' as const };

function files(map: Record<string, string>) {
  return async (file: string) => map[file];
}

describe('mcpkeyServerOf', () => {
  it('finds the server of `mcpkey run NAME`, by name or by path, and of the headers helper', () => {
    expect(mcpkeyServerOf({ command: 'mcpkey', args: ['run', 'neon'] })).toBe('neon');
    expect(mcpkeyServerOf({ type: 'stdio', command: '/usr/local/bin/mcpkey', args: ['run', 'linear'], env: {} })).toBe('linear');
    expect(mcpkeyServerOf({ command: 'C:\\tools\\mcpkey.cmd', args: ['run', 'x'] })).toBe('x');
    expect(mcpkeyServerOf({ command: 'npx', args: ['-y', 'mcpkey@1.2.0', 'run', 'neon'] })).toBe('neon');
    expect(mcpkeyServerOf({ type: 'http', url: 'https://x', headersHelper: "'/opt/my tools/mcpkey' oauth token notion --json" })).toBe('notion');
  });

  it('is undefined for other servers', () => {
    expect(mcpkeyServerOf({ command: 'npx', args: ['-y', '@neondatabase/mcp-server-neon'] })).toBeUndefined();
    expect(mcpkeyServerOf({ command: 'mcpkey-other', args: ['run', 'neon'] })).toBeUndefined();
    expect(mcpkeyServerOf({ command: 'mcpkey', args: ['secret', 'get', 'neon.api_key'] })).toBeUndefined();
    expect(mcpkeyServerOf({ url: 'https://mcp.example.com' })).toBeUndefined();
    expect(mcpkeyServerOf('mcpkey run neon')).toBeUndefined();
    expect(serverOfWords(['mcpkey', 'run'])).toBeUndefined();
  });
});

describe('readClientFiles', () => {
  it('lists every client, missing files as exists: false', async () => {
    const result = await readClientFiles({ locate, readFile: files({}) });
    expect(result.map((status) => status.client)).toEqual(expect.arrayContaining(['claude-desktop', 'claude-code', 'cursor', 'vscode']));
    for (const status of result) expect(status).toMatchObject({ exists: false, servers: [] });
  });

  it('lists the servers of a file, mcpkey ones with the server they run', async () => {
    const cursor = JSON.stringify({ mcpServers: { db: { command: 'mcpkey', args: ['run', 'neon'] }, other: { command: 'npx', args: ['x'] } }, theme: 'dark' });
    const vscode = JSON.stringify({ servers: { linear: { type: 'stdio', command: 'mcpkey', args: ['run', 'linear'] } } });
    const result = await readClientFiles({
      clients: ['cursor', 'vscode'],
      locate,
      readFile: files({ '/home/ada/.cursor/mcp.json': cursor, '/work/project/.vscode/mcp.json': vscode }),
    });
    expect(result).toEqual([
      {
        client: 'cursor',
        file: '/home/ada/.cursor/mcp.json',
        exists: true,
        servers: [
          { name: 'db', viaMcpkey: true, server: 'neon' },
          { name: 'other', viaMcpkey: false },
        ],
      },
      { client: 'vscode', file: '/work/project/.vscode/mcp.json', exists: true, servers: [{ name: 'linear', viaMcpkey: true, server: 'linear' }] },
    ]);
  });

  it('reports a file it cannot read or parse with an error, and goes on with the others', async () => {
    const result = await readClientFiles({
      clients: ['cursor', 'claude-code'],
      locate,
      readFile: async (file) => {
        if (file.endsWith('.mcp.json')) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        return '{ not json';
      },
    });
    expect(result[0]).toMatchObject({ client: 'cursor', exists: true, servers: [] });
    expect(result[0]!.error).toMatch(/cannot parse/);
    expect(result[1]).toMatchObject({ client: 'claude-code', exists: true, servers: [] });
    expect(result[1]!.error).toMatch(/cannot read it \(.*EACCES/);
  });
});

describe('readClientFiles in every syntax', () => {
  it('reads Zed (both forms), Codex TOML and Goose YAML entries', async () => {
    const zed = '{\n  // comment\n  "context_servers": {\n    "a": { "command": "mcpkey", "args": ["run", "neon"] },\n    "b": { "command": { "path": "/bin/mcpkey", "args": ["run", "linear"] } },\n  },\n}\n';
    const codex = '[mcp_servers.db]\ncommand = "mcpkey"\nargs = ["run", "neon"]\n[mcp_servers.x]\ncommand = "uvx"\n';
    const goose = 'extensions:\n  mem:\n    type: stdio\n    cmd: mcpkey\n    args: [run, memory]\n  developer:\n    type: builtin\n';
    const result = await readClientFiles({
      clients: ['zed', 'codex', 'goose'],
      locate,
      readFile: files({ '/home/ada/.config/zed/settings.json': zed, '/home/ada/.codex/config.toml': codex, '/home/ada/.config/goose/config.yaml': goose }),
    });
    expect(result.map((status) => status.servers)).toEqual([
      [
        { name: 'a', viaMcpkey: true, server: 'neon' },
        { name: 'b', viaMcpkey: true, server: 'linear' },
      ],
      [
        { name: 'db', viaMcpkey: true, server: 'neon' },
        { name: 'x', viaMcpkey: false },
      ],
      [
        { name: 'mem', viaMcpkey: true, server: 'memory' },
        { name: 'developer', viaMcpkey: false },
      ],
    ]);
  });
});
