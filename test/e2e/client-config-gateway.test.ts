import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, Sandbox } from './helpers.js';

// `client config CLIENT --gateway`: the one `mcpkey gateway` entry, in every client's own format and file.

beforeAll(requireSecretService);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.cleanup();
});

const TIMEOUT = 60_000;

/** The entry each client gets, and where its file keeps its servers. */
const EXPECTED: Array<{ client: string; key: string; syntax: 'json' | 'jsonc' | 'toml' | 'yaml'; entry: Record<string, unknown> }> = [
  { client: 'claude-desktop', key: 'mcpServers', syntax: 'json', entry: { command: 'mcpkey', args: ['gateway'] } },
  { client: 'claude-code', key: 'mcpServers', syntax: 'json', entry: { type: 'stdio', command: 'mcpkey', args: ['gateway'], env: {} } },
  { client: 'cursor', key: 'mcpServers', syntax: 'json', entry: { command: 'mcpkey', args: ['gateway'] } },
  { client: 'vscode', key: 'servers', syntax: 'jsonc', entry: { type: 'stdio', command: 'mcpkey', args: ['gateway'] } },
  { client: 'windsurf', key: 'mcpServers', syntax: 'json', entry: { command: 'mcpkey', args: ['gateway'] } },
  { client: 'cline', key: 'mcpServers', syntax: 'json', entry: { type: 'stdio', command: 'mcpkey', args: ['gateway'] } },
  { client: 'zed', key: 'context_servers', syntax: 'jsonc', entry: { command: 'mcpkey', args: ['gateway'], env: {} } },
  { client: 'gemini', key: 'mcpServers', syntax: 'jsonc', entry: { command: 'mcpkey', args: ['gateway'] } },
  { client: 'codex', key: 'mcp_servers', syntax: 'toml', entry: { command: 'mcpkey', args: ['gateway'] } },
  { client: 'goose', key: 'extensions', syntax: 'yaml', entry: { type: 'stdio', name: 'mcpkey', enabled: true, cmd: 'mcpkey', args: ['gateway'], envs: {}, env_keys: [], timeout: 300 } },
];

function parseAs(syntax: string, text: string): Record<string, any> {
  if (syntax === 'toml') return parseToml(text) as Record<string, any>;
  if (syntax === 'yaml') return parseYaml(text) as Record<string, any>;
  return parseJsonc(text) as Record<string, any>;
}

async function config(args: string[]): Promise<Record<string, any>> {
  const result = await sandbox.run(['client', 'config', ...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, any>;
}

describe('one entry per client', () => {
  for (const { client, key, syntax, entry } of EXPECTED) {
    it(`${client}: "mcpkey" runs \`mcpkey gateway\` under ${key}, written in its own syntax, and a second write changes nothing`, async () => {
      // No server is enabled: the gateway needs none to start with (servers are added in the conversation).
      const printed = await config([client, '--gateway']);
      expect(printed.written).toBe(false);
      expect(printed.servers).toEqual([{ name: 'mcpkey', entry, via: 'gateway' }]);
      expect(printed.snippet).toEqual({ [key]: { mcpkey: entry } });
      expect(printed.gatewayServers).toEqual([]);

      const written = await config([client, '--gateway', '--write']);
      expect(written.written).toBe(true);
      expect(written.servers[0].action).toBe('added');
      expect(parseAs(syntax, await readFile(written.file, 'utf8'))[key].mcpkey).toEqual(entry);
      expect((await config([client, '--gateway', '--write'])).unchanged).toBe(true);

      const removed = await config([client, '--gateway', '--remove']);
      expect(removed.removed).toEqual(['mcpkey']);
      expect(removed.warnings).toEqual(expect.not.arrayContaining([expect.stringMatching(/was not an entry mcpkey wrote/)]));
      expect(parseAs(syntax, await readFile(written.file, 'utf8'))[key] ?? {}).not.toHaveProperty('mcpkey');
    }, TIMEOUT);
  }
});

describe('what the entry brings', () => {
  it('named servers become --servers; enabled ones are reported, and readiness warnings still apply', async () => {
    const named = await config(['cursor', '--gateway', 'memory', 'time']);
    expect(named.servers[0].entry).toEqual({ command: 'mcpkey', args: ['gateway', '--servers', 'memory,time'] });
    expect(named.gatewayServers).toEqual(['memory', 'time']);

    expect((await sandbox.run(['server', 'enable', 'memory'])).code).toBe(0);
    const enabled = await config(['cursor', '--gateway']);
    expect(enabled.servers[0].entry.args).toEqual(['gateway']);
    expect(enabled.gatewayServers).toEqual(['memory']);

    const typo = await sandbox.run(['client', 'config', 'cursor', '--gateway', 'memroy']);
    expect(typo.code).toBe(3);
    expect(typo.stderr).toMatch(/memory/);
  }, TIMEOUT);

  it('--command is the gateway entry\'s command; --remove --gateway takes no names', async () => {
    const withCommand = await config(['claude-desktop', '--gateway', '--command', '/opt/mcpkey/bin/mcpkey']);
    expect(withCommand.servers[0].entry).toEqual({ command: '/opt/mcpkey/bin/mcpkey', args: ['gateway'] });
    const both = await sandbox.run(['client', 'config', 'cursor', '--gateway', '--remove', 'memory']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/takes no server names/);
  }, TIMEOUT);

  it('per-server `mcpkey run` entries already in the file: a warning that their tools would come twice, with the command to remove them', async () => {
    const file = join(sandbox.home, '.codeium', 'windsurf', 'mcp_config.json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ mcpServers: { memory: { command: 'mcpkey', args: ['run', 'memory'] }, other: { command: 'npx', args: ['other'] } } }));
    const result = await sandbox.run(['client', 'config', 'windsurf', '--gateway', '--write']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/also runs memory through mcpkey.*twice.*mcpkey client config windsurf --remove memory/s);
    expect(result.stderr).not.toMatch(/other/);
    const servers = JSON.parse(await readFile(file, 'utf8')).mcpServers;
    expect(Object.keys(servers).sort()).toEqual(['mcpkey', 'memory', 'other']);
    const status = await sandbox.run(['client', 'status', 'windsurf', '--json']);
    expect(JSON.parse(status.stdout).clients[0].servers).toContainEqual({ name: 'mcpkey', viaMcpkey: true, gateway: true });
    expect((await sandbox.run(['client', 'status', 'windsurf'])).stdout).toMatch(/mcpkey +- +mcpkey gateway: every enabled server/);
  }, TIMEOUT);

  it('client config --help names --gateway', async () => {
    const help = await sandbox.run(['client', 'config', '--help']);
    expect(help.stdout).toMatch(/--gateway +one entry, "mcpkey", that runs `mcpkey gateway`/);
    expect(help.stdout).toContain('mcpkey client config claude-desktop --gateway --write');
  }, TIMEOUT);
});
