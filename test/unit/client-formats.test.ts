import { describe, expect, it } from 'vitest';
import { findEntry, mergeCatalog } from '../../src/core/catalog/index.js';
import type { CatalogEntry, ResolvedEntry } from '../../src/core/catalog/types.js';
import {
  buildClientEntry,
  buildSnippet,
  CLIENTS,
  clientLocation,
  findComment,
  isClientName,
  mergeClientFile,
  parseClientFile,
  renderClientFile,
  shellQuote,
  usesHeadersHelper,
  type ClientName,
} from '../../src/core/clients/formats.js';

const catalog = mergeCatalog({});
const builtin = (name: string) => findEntry(catalog, name);
const user = (entry: CatalogEntry): ResolvedEntry => ({ ...entry, source: 'user' });
const linux = { command: 'mcpkey', platform: 'linux' as const };

describe('clientLocation', () => {
  const base = { env: {}, cwd: '/work/project', home: '/home/ada' };

  it('Claude Desktop: the documented macOS and Windows files, and the unofficial Linux one with a note', () => {
    expect(clientLocation('claude-desktop', { ...base, platform: 'darwin' })).toEqual({
      file: '/home/ada/Library/Application Support/Claude/claude_desktop_config.json',
    });
    expect(clientLocation('claude-desktop', { env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, cwd: 'C:\\work', home: 'C:\\Users\\ada', platform: 'win32' })).toEqual({
      file: 'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
    });
    // Without APPDATA, its usual place under the profile.
    expect(clientLocation('claude-desktop', { env: {}, cwd: 'C:\\work', home: 'C:\\Users\\ada', platform: 'win32' }).file).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
    );
    const onLinux = clientLocation('claude-desktop', { ...base, platform: 'linux' });
    expect(onLinux.file).toBe('/home/ada/.config/Claude/claude_desktop_config.json');
    expect(onLinux.note).toMatch(/no official Linux build/);
    expect(clientLocation('claude-desktop', { ...base, env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux' }).file).toBe('/xdg/Claude/claude_desktop_config.json');
  });

  it('Claude Code and VS Code: project files in the current directory', () => {
    expect(clientLocation('claude-code', { ...base, platform: 'linux' })).toEqual({ file: '/work/project/.mcp.json' });
    expect(clientLocation('vscode', { ...base, platform: 'darwin' })).toEqual({ file: '/work/project/.vscode/mcp.json' });
  });

  it('Cursor: ~/.cursor/mcp.json, or .cursor/mcp.json in the project with project: true', () => {
    expect(clientLocation('cursor', { ...base, platform: 'linux' })).toEqual({ file: '/home/ada/.cursor/mcp.json' });
    expect(clientLocation('cursor', { ...base, platform: 'linux', project: true })).toEqual({ file: '/work/project/.cursor/mcp.json' });
    expect(clientLocation('cursor', { env: {}, cwd: 'C:\\work', home: 'C:\\Users\\ada', platform: 'win32' }).file).toBe('C:\\Users\\ada\\.cursor\\mcp.json');
  });

  it('Windsurf and Cline: a file under the home directory on every platform; Cline also under $CLINE_DATA_DIR, with a note on older versions', () => {
    expect(clientLocation('windsurf', { ...base, platform: 'darwin' })).toEqual({ file: '/home/ada/.codeium/windsurf/mcp_config.json' });
    expect(clientLocation('windsurf', { env: {}, cwd: 'C:\\work', home: 'C:\\Users\\ada', platform: 'win32' }).file).toBe('C:\\Users\\ada\\.codeium\\windsurf\\mcp_config.json');
    const cline = clientLocation('cline', { ...base, platform: 'linux' });
    expect(cline.file).toBe('/home/ada/.cline/data/settings/cline_mcp_settings.json');
    expect(cline.note).toMatch(/saoudrizwan\.claude-dev/);
    expect(clientLocation('cline', { ...base, env: { CLINE_DATA_DIR: '/data/cline' }, platform: 'linux' }).file).toBe('/data/cline/settings/cline_mcp_settings.json');
  });

  it('Zed: ~/.config/zed on macOS and Linux ($XDG_CONFIG_HOME on Linux only), %APPDATA%\\Zed on Windows, .zed/ with project', () => {
    const xdg = { ...base, env: { XDG_CONFIG_HOME: '/xdg' } };
    expect(clientLocation('zed', { ...xdg, platform: 'linux' }).file).toBe('/xdg/zed/settings.json');
    expect(clientLocation('zed', { ...xdg, platform: 'darwin' }).file).toBe('/home/ada/.config/zed/settings.json');
    expect(clientLocation('zed', { ...base, platform: 'linux' }).file).toBe('/home/ada/.config/zed/settings.json');
    expect(clientLocation('zed', { env: { APPDATA: 'C:\\R' }, cwd: 'C:\\work', home: 'C:\\Users\\ada', platform: 'win32' }).file).toBe('C:\\R\\Zed\\settings.json');
    expect(clientLocation('zed', { ...base, platform: 'linux', project: true }).file).toBe('/work/project/.zed/settings.json');
  });

  it('Gemini CLI and Codex CLI: files in ~/.gemini and ~/.codex ($CODEX_HOME), and in the project with project: true', () => {
    expect(clientLocation('gemini', { ...base, platform: 'linux' }).file).toBe('/home/ada/.gemini/settings.json');
    expect(clientLocation('gemini', { ...base, platform: 'linux', project: true }).file).toBe('/work/project/.gemini/settings.json');
    expect(clientLocation('codex', { ...base, platform: 'darwin' }).file).toBe('/home/ada/.codex/config.toml');
    expect(clientLocation('codex', { ...base, env: { CODEX_HOME: '/ch' }, platform: 'linux' }).file).toBe('/ch/config.toml');
    expect(clientLocation('codex', { ...base, platform: 'linux', project: true }).file).toBe('/work/project/.codex/config.toml');
  });

  it('Goose: ~/.config/goose/config.yaml on macOS and Linux, %APPDATA%\\Block\\goose\\config on Windows', () => {
    expect(clientLocation('goose', { ...base, platform: 'darwin' }).file).toBe('/home/ada/.config/goose/config.yaml');
    expect(clientLocation('goose', { ...base, env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux' }).file).toBe('/xdg/goose/config.yaml');
    expect(clientLocation('goose', { env: { APPDATA: 'C:\\R' }, cwd: 'C:\\work', home: 'C:\\Users\\ada', platform: 'win32' }).file).toBe('C:\\R\\Block\\goose\\config\\config.yaml');
  });

  it('knows exactly the ten clients', () => {
    expect([...CLIENTS]).toEqual(['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'cline', 'zed', 'gemini', 'codex', 'goose']);
    expect(isClientName('cursor')).toBe(true);
    expect(isClientName('claude')).toBe(false);
    expect(isClientName('__proto__')).toBe(false);
  });
});

describe('buildClientEntry', () => {
  it('a local server in each client format runs `mcpkey run NAME`, with no env values', () => {
    const neon = builtin('neon');
    expect(buildClientEntry('claude-desktop', neon, linux)).toEqual({ name: 'neon', via: 'run', entry: { command: 'mcpkey', args: ['run', 'neon'] } });
    expect(buildClientEntry('cursor', neon, linux)).toEqual({ name: 'neon', via: 'run', entry: { command: 'mcpkey', args: ['run', 'neon'] } });
    expect(buildClientEntry('claude-code', neon, linux)).toEqual({
      name: 'neon',
      via: 'run',
      entry: { type: 'stdio', command: 'mcpkey', args: ['run', 'neon'], env: {} },
    });
    expect(buildClientEntry('vscode', neon, linux)).toEqual({ name: 'neon', via: 'run', entry: { type: 'stdio', command: 'mcpkey', args: ['run', 'neon'] } });
  });

  it('the other clients, each in its own entry shape', () => {
    const memory = builtin('memory');
    const run = ['run', 'memory'];
    expect(buildClientEntry('windsurf', memory, linux).entry).toEqual({ command: 'mcpkey', args: run });
    expect(buildClientEntry('gemini', memory, linux).entry).toEqual({ command: 'mcpkey', args: run });
    expect(buildClientEntry('codex', memory, linux).entry).toEqual({ command: 'mcpkey', args: run });
    expect(buildClientEntry('cline', memory, linux).entry).toEqual({ type: 'stdio', command: 'mcpkey', args: run });
    expect(buildClientEntry('zed', memory, linux).entry).toEqual({ command: 'mcpkey', args: run, env: {} });
    expect(buildClientEntry('goose', memory, linux).entry).toEqual({ type: 'stdio', name: 'memory', enabled: true, cmd: 'mcpkey', args: run, envs: {}, env_keys: [], timeout: 300 });
    expect(buildSnippet('zed', [buildClientEntry('zed', memory, linux)])).toHaveProperty('context_servers.memory');
    expect(buildSnippet('codex', [buildClientEntry('codex', memory, linux)])).toHaveProperty('mcp_servers.memory');
    expect(buildSnippet('goose', [buildClientEntry('goose', memory, linux)])).toHaveProperty('extensions.memory');
  });

  it('a plain env of the entry is not copied either: mcpkey run provides it', () => {
    const entry = user({ name: 'acme', title: 'acme', description: '', transport: { type: 'stdio', command: 'npx', args: ['acme'], env: { MODE: 'x' } }, secrets: [] });
    for (const client of CLIENTS) expect(JSON.stringify(buildClientEntry(client, entry, linux).entry)).not.toContain('MODE');
  });

  it('Claude Code reaches a remote OAuth server itself, with mcpkey as its headers helper', () => {
    const linear = builtin('linear');
    expect(usesHeadersHelper('claude-code', linear)).toBe(true);
    expect(buildClientEntry('claude-code', linear, linux)).toEqual({
      name: 'linear',
      via: 'headers-helper',
      entry: { type: 'http', url: 'https://mcp.linear.app/mcp', headersHelper: 'mcpkey oauth token linear --json' },
    });
  });

  it('the other clients reach the same remote server through the stdio bridge', () => {
    const linear = builtin('linear');
    for (const client of ['claude-desktop', 'cursor', 'vscode'] as const) {
      expect(usesHeadersHelper(client, linear)).toBe(false);
      const built = buildClientEntry(client, linear, linux);
      expect(built.via).toBe('run');
      expect(built.entry.args).toEqual(['run', 'linear']);
      expect(built.entry).not.toHaveProperty('url');
    }
  });

  it('Claude Code uses the bridge for remote servers the helper cannot serve: no auth, API-key headers, SSE', () => {
    const noAuth = builtin('cloudflare-docs');
    const apiKey = user({
      name: 'tracker',
      title: 'tracker',
      description: '',
      transport: { type: 'remote', url: 'https://mcp.tracker.example/mcp', transport: 'streamable-http', headers: { Authorization: 'Bearer ${TRACKER_TOKEN}' } },
      secrets: [{ name: 'tracker.token', env: 'TRACKER_TOKEN', description: '' }],
    });
    const sse = user({ name: 'legacy', title: 'legacy', description: '', transport: { type: 'remote', url: 'https://legacy.example/sse', transport: 'sse' }, secrets: [] });
    for (const entry of [noAuth, apiKey, sse]) {
      expect(usesHeadersHelper('claude-code', entry)).toBe(false);
      expect(buildClientEntry('claude-code', entry, linux)).toEqual({
        name: entry.name,
        via: 'run',
        entry: { type: 'stdio', command: 'mcpkey', args: ['run', entry.name], env: {} },
      });
    }
  });

  it('--command goes into every entry, quoted for the shell in a headers helper', () => {
    const options = { command: '/opt/my tools/mcpkey', platform: 'linux' as const };
    expect(buildClientEntry('cursor', builtin('memory'), options).entry).toEqual({ command: '/opt/my tools/mcpkey', args: ['run', 'memory'] });
    expect(buildClientEntry('claude-code', builtin('linear'), options).entry.headersHelper).toBe("'/opt/my tools/mcpkey' oauth token linear --json");
    expect(buildClientEntry('claude-code', builtin('linear'), { command: 'C:\\Program Files\\mcpkey.cmd', platform: 'win32' }).entry.headersHelper).toBe(
      '"C:\\Program Files\\mcpkey.cmd" oauth token linear --json',
    );
  });
});

describe('shellQuote', () => {
  it('leaves plain paths alone and quotes the rest', () => {
    expect(shellQuote('/usr/local/bin/mcpkey', 'linux')).toBe('/usr/local/bin/mcpkey');
    expect(shellQuote('mcpkey', 'win32')).toBe('mcpkey');
    expect(shellQuote("/it's here/mcpkey", 'darwin')).toBe(`'/it'\\''s here/mcpkey'`);
    expect(shellQuote('/a;rm -rf ~/mcpkey', 'linux')).toBe(`'/a;rm -rf ~/mcpkey'`);
  });
});

describe('buildSnippet', () => {
  it('puts the entries under the client\'s top-level key, in the order given', () => {
    const entries = ['time', 'neon'].map((name) => buildClientEntry('vscode', builtin(name), linux));
    const snippet = buildSnippet('vscode', entries);
    expect(Object.keys(snippet)).toEqual(['servers']);
    expect(Object.keys(snippet.servers!)).toEqual(['time', 'neon']);
    const desktop = buildSnippet('claude-desktop', [buildClientEntry('claude-desktop', builtin('time'), linux)]);
    expect(desktop).toEqual({ mcpServers: { time: { command: 'mcpkey', args: ['run', 'time'] } } });
  });
});

describe('parseClientFile', () => {
  it('a missing or empty file is an empty object', () => {
    expect(parseClientFile(undefined, 'cursor')).toEqual({ ok: true, data: {} });
    expect(parseClientFile('  \n', 'cursor')).toEqual({ ok: true, data: {} });
  });

  it('reads a JSON object, also after a byte-order mark', () => {
    expect(parseClientFile('\uFEFF{"mcpServers":{"a":{"command":"x"}}}', 'claude-desktop')).toEqual({ ok: true, data: { mcpServers: { a: { command: 'x' } } } });
  });

  it('refuses JSON with comments and says where the first one is', () => {
    const result = parseClientFile('{\n  "servers": {\n    // mine\n  }\n}\n', 'vscode');
    expect(result).toEqual({ ok: false, comments: true, problem: 'it has comments (line 3), which JSON does not allow' });
    expect(parseClientFile('/* header */ {}', 'vscode')).toMatchObject({ ok: false, comments: true });
  });

  it('refuses invalid JSON, a non-object and a servers key that is not an object', () => {
    expect(parseClientFile('{"mcpServers": {},}', 'cursor')).toMatchObject({ ok: false, problem: 'it is not valid JSON at line 1, column 19: expected a double-quoted property name' });
    expect(parseClientFile('[]', 'cursor')).toEqual({ ok: false, problem: 'it is not a JSON object' });
    expect(parseClientFile('null', 'cursor')).toEqual({ ok: false, problem: 'it is not a JSON object' });
    expect(parseClientFile('{"mcpServers": []}', 'cursor')).toEqual({ ok: false, problem: '"mcpServers" is not an object' });
    expect(parseClientFile('{"servers": "x"}', 'vscode')).toEqual({ ok: false, problem: '"servers" is not an object' });
    // Only the client's own key matters: VS Code's file may have an unrelated "mcpServers".
    expect(parseClientFile('{"mcpServers": 1}', 'vscode')).toEqual({ ok: true, data: { mcpServers: 1 } });
  });
});

describe('findComment', () => {
  it('finds // and /* outside strings only', () => {
    expect(findComment('{"url": "https://example.com/mcp"}')).toBeUndefined();
    expect(findComment('{"a": "\\"//"}')).toBeUndefined();
    expect(findComment('{\n"url": "https://x"\n// here\n}')).toBe(3);
    expect(findComment('{"a": 1 /* x */}')).toBe(1);
  });
});

describe('mergeClientFile', () => {
  const entries = (client: ClientName, ...names: string[]) => names.map((name) => buildClientEntry(client, builtin(name), linux));

  it('keeps every other key and server, replaces a same-named entry in place and adds the rest at the end', () => {
    const existing = {
      globalShortcut: 'Ctrl+Space',
      mcpServers: { mine: { command: 'node', args: ['mine.js'], env: { TOKEN: 'kept' } }, neon: { command: 'npx', args: ['old'] }, other: { url: 'https://x' } },
      preferences: { theme: 'dark' },
    };
    const { data, actions } = mergeClientFile(existing, 'claude-desktop', entries('claude-desktop', 'neon', 'time'));
    expect(actions).toEqual({ neon: 'replaced', time: 'added' });
    expect(Object.keys(data)).toEqual(['globalShortcut', 'mcpServers', 'preferences']);
    expect(data.globalShortcut).toBe('Ctrl+Space');
    expect(data.preferences).toEqual({ theme: 'dark' });
    const servers = data.mcpServers as Record<string, unknown>;
    expect(Object.keys(servers)).toEqual(['mine', 'neon', 'other', 'time']);
    expect(servers.mine).toEqual({ command: 'node', args: ['mine.js'], env: { TOKEN: 'kept' } });
    expect(servers.neon).toEqual({ command: 'mcpkey', args: ['run', 'neon'] });
    expect(servers.time).toEqual({ command: 'mcpkey', args: ['run', 'time'] });
    // The input is not modified.
    expect(existing.mcpServers.neon).toEqual({ command: 'npx', args: ['old'] });
  });

  it('creates the servers key when the file has none, under "servers" for VS Code', () => {
    const { data, actions } = mergeClientFile({ inputs: [] }, 'vscode', entries('vscode', 'memory'));
    expect(actions).toEqual({ memory: 'added' });
    expect(data).toEqual({ inputs: [], servers: { memory: { type: 'stdio', command: 'mcpkey', args: ['run', 'memory'] } } });
    expect(data).not.toHaveProperty('mcpServers');
  });

  it('a server called like an Object.prototype key is still added, not mistaken for an existing one', () => {
    const entry = user({ name: 'constructor', title: 'c', description: '', transport: { type: 'stdio', command: 'x', args: [] }, secrets: [] });
    const { actions } = mergeClientFile({ mcpServers: {} }, 'cursor', [buildClientEntry('cursor', entry, linux)]);
    expect(actions).toEqual({ constructor: 'added' });
  });
});

describe('renderClientFile', () => {
  it('two-space JSON with a final newline', () => {
    expect(renderClientFile({ servers: { a: { args: ['run', 'a'] } } })).toBe('{\n  "servers": {\n    "a": {\n      "args": [\n        "run",\n        "a"\n      ]\n    }\n  }\n}\n');
  });
});
