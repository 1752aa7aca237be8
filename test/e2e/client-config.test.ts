import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filesUnder, requireSecretService, Sandbox } from './helpers.js';

beforeAll(requireSecretService);

let sandbox: Sandbox;
/** Secret values that must never appear in any output or file. */
let canaries: string[];
let env: Record<string, string>;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  const envCanary = `canary-env-${randomBytes(8).toString('hex')}`;
  const keychainCanary = `canary-keychain-${randomBytes(8).toString('hex')}`;
  canaries = [envCanary, keychainCanary];
  env = { NEON_API_KEY: envCanary };
  const stored = await sandbox.run(['secret', 'set', 'github.personal_access_token'], { input: keychainCanary });
  expect(stored.code, stored.stderr).toBe(0);
});

afterEach(async () => {
  // Nothing mcpkey printed or wrote, in any test, holds a secret value.
  for (const { args, stdout, stderr } of sandbox.transcript) {
    for (const canary of canaries) expect({ args, leaked: `${stdout}${stderr}`.includes(canary) }).toEqual({ args, leaked: false });
  }
  for (const file of await filesUnder(sandbox.dir)) {
    for (const canary of canaries) expect({ file: file.path, leaked: file.content.includes(canary) }).toEqual({ file: file.path, leaked: false });
  }
  await sandbox.cleanup();
});

const run = (args: string[]) => sandbox.run(['client', 'config', ...args], { env });
const desktopFile = () => join(sandbox.home, '.config', 'Claude', 'claude_desktop_config.json');
const cursorFile = () => join(sandbox.home, '.cursor', 'mcp.json');
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('client config without --write: the snippet', () => {
  const names = ['neon', 'github', 'linear', 'memory'];

  it('Claude Desktop: mcpServers of command + args = run NAME, remote servers too; the unofficial Linux location on stderr', async () => {
    const result = await run(['claude-desktop', ...names]);
    expect(result.code, result.stderr).toBe(0);
    const snippet = JSON.parse(result.stdout);
    expect(Object.keys(snippet)).toEqual(['mcpServers']);
    expect(Object.keys(snippet.mcpServers)).toEqual(names);
    for (const name of names) expect(snippet.mcpServers[name]).toEqual({ command: 'mcpkey', args: ['run', name] });
    expect(result.stderr).toContain(desktopFile());
    expect(result.stderr).toMatch(/no official Linux build/);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('Claude Code: type stdio entries, and type http with mcpkey as headers helper for a remote OAuth server', async () => {
    const result = await run(['claude-code', ...names]);
    expect(result.code, result.stderr).toBe(0);
    const snippet = JSON.parse(result.stdout);
    expect(Object.keys(snippet)).toEqual(['mcpServers']);
    for (const name of ['neon', 'github', 'memory']) {
      expect(snippet.mcpServers[name]).toEqual({ type: 'stdio', command: 'mcpkey', args: ['run', name], env: {} });
    }
    expect(snippet.mcpServers.linear).toEqual({ type: 'http', url: 'https://mcp.linear.app/mcp', headersHelper: 'mcpkey oauth token linear --json' });
    expect(result.stderr).toContain(join(sandbox.cwd, '.mcp.json'));
    expect(result.stderr).toContain('mcpkey oauth authorize NAME');
  });

  it('Cursor: mcpServers in ~/.cursor/mcp.json, or .cursor/mcp.json of the project with --project', async () => {
    const result = await run(['cursor', ...names]);
    expect(result.code, result.stderr).toBe(0);
    const snippet = JSON.parse(result.stdout);
    expect(Object.keys(snippet)).toEqual(['mcpServers']);
    for (const name of names) expect(snippet.mcpServers[name]).toEqual({ command: 'mcpkey', args: ['run', name] });
    expect(result.stderr).toContain(cursorFile());
    const project = await run(['cursor', 'memory', '--project']);
    expect(project.stderr).toContain(join(sandbox.cwd, '.cursor', 'mcp.json'));
  });

  it('VS Code: "servers" (not mcpServers) of type stdio entries, in .vscode/mcp.json', async () => {
    const result = await run(['vscode', ...names]);
    expect(result.code, result.stderr).toBe(0);
    const snippet = JSON.parse(result.stdout);
    expect(Object.keys(snippet)).toEqual(['servers']);
    for (const name of names) expect(snippet.servers[name]).toEqual({ type: 'stdio', command: 'mcpkey', args: ['run', name] });
    expect(result.stderr).toContain(join(sandbox.cwd, '.vscode', 'mcp.json'));
    expect(result.stderr).toContain('"servers"');
  });

  it('writes nothing, and --json gives the data with written: false', async () => {
    const result = await run(['vscode', 'neon', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data).toMatchObject({
      client: 'vscode',
      file: join(sandbox.cwd, '.vscode', 'mcp.json'),
      serversKey: 'servers',
      written: false,
      servers: [{ name: 'neon', via: 'run', entry: { type: 'stdio', command: 'mcpkey', args: ['run', 'neon'] } }],
      snippet: { servers: { neon: { type: 'stdio', command: 'mcpkey', args: ['run', 'neon'] } } },
    });
    expect(data.servers[0]).not.toHaveProperty('action');
    expect(data).not.toHaveProperty('backup');
    expect(await filesUnder(sandbox.cwd)).toEqual([]);
    await expect(stat(join(sandbox.home, '.cursor'))).rejects.toThrow(/ENOENT/);
  });

  it('--command replaces mcpkey in every entry and in the headers helper', async () => {
    const command = '/opt/mcp key/bin/mcpkey';
    const result = await run(['claude-code', 'neon', 'linear', '--command', command]);
    expect(result.code, result.stderr).toBe(0);
    const snippet = JSON.parse(result.stdout);
    expect(snippet.mcpServers.neon.command).toBe(command);
    expect(snippet.mcpServers.linear.headersHelper).toBe(`'${command}' oauth token linear --json`);
  });
});

describe('which servers', () => {
  it('defaults to the enabled servers, in the order they were enabled', async () => {
    expect((await sandbox.run(['server', 'enable', 'neon'], { env })).code).toBe(0);
    expect((await sandbox.run(['server', 'enable', 'memory'], { env })).code).toBe(0);
    const result = await run(['cursor']);
    expect(result.code, result.stderr).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout).mcpServers)).toEqual(['neon', 'memory']);
  });

  it('nothing enabled and no names: exit 2, saying to name or enable servers', async () => {
    const result = await run(['cursor']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/none is enabled.*mcpkey server enable/);
  });

  it('an unknown server: exit 3 and nothing written; an unknown client: exit 2', async () => {
    const unknown = await run(['vscode', 'memory', 'no-such-server', '--write']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('unknown server "no-such-server"');
    expect(await filesUnder(sandbox.cwd)).toEqual([]);
    const client = await run(['emacs', 'memory']);
    expect(client.code).toBe(2);
    expect(client.stderr).toMatch(/claude-desktop, claude-code, cursor, vscode/);
  });

  it('--project is refused for clients without a separate project file', async () => {
    const result = await run(['vscode', 'memory', '--project']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--project applies to cursor, gemini, zed, codex only');
  });
});

describe('client config --write', () => {
  it('merges into an existing file: other keys and servers stay, a same-named entry is replaced, the original is backed up', async () => {
    const original = [
      '{',
      '\t"mcpServers": {',
      '\t\t"mine": { "command": "node", "args": ["mine.js"], "env": { "MINE_TOKEN": "typed-by-the-user" } },',
      '\t\t"neon": { "command": "npx", "args": ["-y", "@neondatabase/mcp-server-neon"] }',
      '\t},',
      '\t"globalShortcut": "Alt+Space"',
      '}',
    ].join('\n');
    await mkdir(join(sandbox.home, '.cursor'), { recursive: true });
    await writeFile(cursorFile(), original);
    await chmod(cursorFile(), 0o640);

    const result = await run(['cursor', 'neon', 'linear', '--write', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data).toMatchObject({ client: 'cursor', file: cursorFile(), written: true, backup: `${cursorFile()}.bak` });
    expect(data.servers.map((server: { name: string; action: string }) => [server.name, server.action])).toEqual([
      ['neon', 'replaced'],
      ['linear', 'added'],
    ]);

    const text = await readFile(cursorFile(), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "mcpServers": {\n    "mine": {');
    const written = JSON.parse(text);
    expect(written).toEqual({
      mcpServers: {
        mine: { command: 'node', args: ['mine.js'], env: { MINE_TOKEN: 'typed-by-the-user' } },
        neon: { command: 'mcpkey', args: ['run', 'neon'] },
        linear: { command: 'mcpkey', args: ['run', 'linear'] },
      },
      globalShortcut: 'Alt+Space',
    });
    expect(await mode(cursorFile())).toBe(0o640);
    expect(await readFile(`${cursorFile()}.bak`, 'utf8')).toBe(original);
    expect(await mode(`${cursorFile()}.bak`)).toBe(0o640);

    // Again: the first backup stays as it was; the second gets a timestamped name.
    const again = await run(['cursor', 'memory', '--write']);
    expect(again.code, again.stderr).toBe(0);
    expect(await readFile(`${cursorFile()}.bak`, 'utf8')).toBe(original);
    const backups = (await readdir(join(sandbox.home, '.cursor'))).filter((name) => /^mcp\.json\.\d{8}T\d{6}Z\.bak$/.test(name));
    expect(backups).toHaveLength(1);
    expect(await readFile(join(sandbox.home, '.cursor', backups[0]!), 'utf8')).toBe(text);
    expect(again.stderr).toContain(join(sandbox.home, '.cursor', backups[0]!));
    expect(Object.keys((await json(cursorFile())).mcpServers!)).toEqual(['mine', 'neon', 'linear', 'memory']);
  });

  it('Claude Code: .mcp.json in the current directory keeps its other servers and gets the headers helper entry', async () => {
    const file = join(sandbox.cwd, '.mcp.json');
    const original = `${JSON.stringify({ mcpServers: { docs: { type: 'http', url: 'https://docs.example/mcp' } } }, null, 2)}\n`;
    await writeFile(file, original);
    const result = await run(['claude-code', 'linear', 'github', '--write']);
    expect(result.code, result.stderr).toBe(0);
    expect(await json(file)).toEqual({
      mcpServers: {
        docs: { type: 'http', url: 'https://docs.example/mcp' },
        linear: { type: 'http', url: 'https://mcp.linear.app/mcp', headersHelper: 'mcpkey oauth token linear --json' },
        github: { type: 'stdio', command: 'mcpkey', args: ['run', 'github'], env: {} },
      },
    });
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(original);
    expect(result.stderr).toMatch(/added linear, github/);
  });

  it('VS Code reads JSON with comments: such a file is edited in place, its comments and layout kept', async () => {
    const file = join(sandbox.cwd, '.vscode', 'mcp.json');
    const original = '{\n    // my servers\n    "servers": {\n        "mine": { "type": "stdio", "command": "x" }, /* keep me */\n    },\n    "inputs": []\n}\n';
    await mkdir(join(sandbox.cwd, '.vscode'));
    await writeFile(file, original);

    const result = await run(['vscode', 'memory', '--write']);
    expect(result.code, result.stderr).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(
      '{\n    // my servers\n    "servers": {\n        "mine": { "type": "stdio", "command": "x" },\n        "memory": {\n            "type": "stdio",\n            "command": "mcpkey",\n            "args": [\n                "run",\n                "memory"\n            ]\n        }, /* keep me */\n    },\n    "inputs": []\n}\n',
    );
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(original);
  });

  it('refuses a file with comments for a client that reads strict JSON (Cursor), leaving it byte for byte unchanged, with exit 6', async () => {
    const original = '{\n  // my servers\n  "mcpServers": {}\n}\n';
    await mkdir(join(sandbox.home, '.cursor'));
    await writeFile(cursorFile(), original);
    const result = await run(['cursor', 'memory', '--write']);
    expect(result.code).toBe(6);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(cursorFile());
    expect(result.stderr).toMatch(/comments \(line 2\)/);
    expect(result.stderr).toMatch(/does not accept comments/);
    expect(await readFile(cursorFile(), 'utf8')).toBe(original);
    expect(await readdir(join(sandbox.home, '.cursor'))).toEqual(['mcp.json']);
  });

  it('refuses invalid JSON and a servers key of the wrong type, unchanged; --json gives the error object', async () => {
    const file = join(sandbox.cwd, '.mcp.json');
    for (const original of ['{"mcpServers": {"a": {}},}\n', '{"mcpServers": []}', '["not", "an", "object"]']) {
      await writeFile(file, original);
      const result = await run(['claude-code', 'memory', '--write', '--json']);
      expect(result.code).toBe(6);
      expect(result.stdout).toBe('');
      const error = JSON.parse(result.stderr).error;
      expect(error).toMatchObject({ code: 'client_config_invalid', exitCode: 6 });
      expect(error.message).toContain(file);
      expect(await readFile(file, 'utf8')).toBe(original);
      expect((await readdir(sandbox.cwd)).sort()).toEqual(['.mcp.json']);
    }
  });

  it('creates a missing file and its directories, 0600, with nothing but our servers', async () => {
    const vscode = await run(['vscode', 'memory', 'linear', '--write', '--json']);
    expect(vscode.code, vscode.stderr).toBe(0);
    const file = join(sandbox.cwd, '.vscode', 'mcp.json');
    expect(JSON.parse(vscode.stdout)).toMatchObject({ written: true, file, servers: [{ name: 'memory', action: 'added' }, { name: 'linear', action: 'added' }] });
    expect(JSON.parse(vscode.stdout)).not.toHaveProperty('backup');
    expect(await json(file)).toEqual({
      servers: {
        memory: { type: 'stdio', command: 'mcpkey', args: ['run', 'memory'] },
        linear: { type: 'stdio', command: 'mcpkey', args: ['run', 'linear'] },
      },
    });
    expect(await mode(file)).toBe(0o600);
    expect(await readdir(join(sandbox.cwd, '.vscode'))).toEqual(['mcp.json']);

    const desktop = await run(['claude-desktop', 'neon', '--write']);
    expect(desktop.code, desktop.stderr).toBe(0);
    expect(await json(desktopFile())).toEqual({ mcpServers: { neon: { command: 'mcpkey', args: ['run', 'neon'] } } });
    expect(await mode(desktopFile())).toBe(0o600);
    expect(desktop.stderr).toContain(`Updated ${desktopFile()}: added neon`);
  });

  it('--file names another file, relative to the current directory; an empty file counts as {}', async () => {
    await writeFile(join(sandbox.cwd, 'empty.json'), '');
    const result = await run(['cursor', 'time', '--write', '--file', 'empty.json']);
    expect(result.code, result.stderr).toBe(0);
    expect(await json(join(sandbox.cwd, 'empty.json'))).toEqual({ mcpServers: { time: { command: 'mcpkey', args: ['run', 'time'] } } });
    expect(await readFile(join(sandbox.cwd, 'empty.json.bak'), 'utf8')).toBe('');
    await expect(stat(cursorFile())).rejects.toThrow(/ENOENT/);
  });

  it('writes through a symbolic link (a dotfile manager\'s) instead of replacing it', async () => {
    const real = join(sandbox.dir, 'dotfiles', 'cursor-mcp.json');
    await mkdir(join(sandbox.dir, 'dotfiles'));
    await writeFile(real, '{"mcpServers": {}}');
    await mkdir(join(sandbox.home, '.cursor'));
    await symlink(real, cursorFile());
    const result = await run(['cursor', 'time', '--write']);
    expect(result.code, result.stderr).toBe(0);
    expect((await lstat(cursorFile())).isSymbolicLink()).toBe(true);
    expect(await readlink(cursorFile())).toBe(real);
    expect(await json(real)).toEqual({ mcpServers: { time: { command: 'mcpkey', args: ['run', 'time'] } } });
  });
});

describe('completion', () => {
  it('offers the clients, then server names', async () => {
    const clients = await sandbox.run(['__complete', 'client', 'config', '']);
    expect(clients.stdout.trim().split('\n')).toEqual(['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'cline', 'zed', 'gemini', 'codex', 'goose']);
    const servers = await sandbox.run(['__complete', 'client', 'config', 'cursor', 'neon', 'neo']);
    expect(servers.stdout.trim().split('\n').map((line) => line.split('\t')[0])).toEqual(['neon', 'neon-remote']);
  });
});
