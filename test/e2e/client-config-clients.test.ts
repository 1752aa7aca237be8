import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireSecretService, Sandbox } from './helpers.js';

// The clients beyond the first four, each in its own file format and place (issue 9).

beforeAll(requireSecretService);

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await Sandbox.create();
});
afterEach(async () => {
  await sandbox.cleanup();
});

const TIMEOUT = 60_000;
const run = (args: string[], env: Record<string, string> = {}) => sandbox.run(['client', 'config', ...args], { env });

async function written(args: string[], file: string, env: Record<string, string> = {}): Promise<string> {
  const result = await run([...args, '--write'], env);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toContain(file);
  return readFile(file, 'utf8');
}

describe('JSON clients: where each reads its servers, and the entry it gets', () => {
  it('Windsurf: ~/.codeium/windsurf/mcp_config.json, mcpServers of command + args', async () => {
    const file = join(sandbox.home, '.codeium', 'windsurf', 'mcp_config.json');
    expect(JSON.parse(await written(['windsurf', 'memory'], file))).toEqual({ mcpServers: { memory: { command: 'mcpkey', args: ['run', 'memory'] } } });
  }, TIMEOUT);

  it('Cline: ~/.cline/data/settings/cline_mcp_settings.json (or under $CLINE_DATA_DIR), type stdio entries; the older location in a warning', async () => {
    const file = join(sandbox.home, '.cline', 'data', 'settings', 'cline_mcp_settings.json');
    const result = await run(['cline', 'memory', '--write']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: older Cline extensions read VS Code's globalStorage/);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ mcpServers: { memory: { type: 'stdio', command: 'mcpkey', args: ['run', 'memory'] } } });
    const custom = join(sandbox.dir, 'cline-data');
    expect(JSON.parse(await written(['cline', 'time'], join(custom, 'settings', 'cline_mcp_settings.json'), { CLINE_DATA_DIR: custom })).mcpServers).toHaveProperty('time');
  }, TIMEOUT);

  it('Gemini CLI: ~/.gemini/settings.json, or .gemini/settings.json with --project; its other settings stay', async () => {
    const file = join(sandbox.home, '.gemini', 'settings.json');
    await mkdir(join(sandbox.home, '.gemini'));
    await writeFile(file, '{\n  "theme": "GitHub",\n  "mcpServers": {}\n}\n');
    expect(JSON.parse(await written(['gemini', 'memory'], file))).toEqual({ theme: 'GitHub', mcpServers: { memory: { command: 'mcpkey', args: ['run', 'memory'] } } });
    const project = join(sandbox.cwd, '.gemini', 'settings.json');
    expect(JSON.parse(await written(['gemini', 'time', '--project'], project))).toEqual({ mcpServers: { time: { command: 'mcpkey', args: ['run', 'time'] } } });
  }, TIMEOUT);

  it('Zed: settings.json (JSON with comments) under $XDG_CONFIG_HOME/zed gets context_servers; comments, trailing commas and other settings are kept byte for byte', async () => {
    const file = join(sandbox.home, '.config', 'zed', 'settings.json');
    await mkdir(join(sandbox.home, '.config', 'zed'), { recursive: true });
    const original = '// Zed settings\n{\n  "theme": "One Dark", // my theme\n  /* fonts */\n  "buffer_font_size": 15,\n}\n';
    await writeFile(file, original);
    const text = await written(['zed', 'memory'], file);
    expect(text).toBe(
      '// Zed settings\n{\n  "theme": "One Dark", // my theme\n  /* fonts */\n  "buffer_font_size": 15,\n  "context_servers": {\n    "memory": {\n      "command": "mcpkey",\n      "args": [\n        "run",\n        "memory"\n      ],\n      "env": {}\n    }\n  },\n}\n',
    );
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(original);

    // Once more: nothing to change, nothing written. Then removed, comments still there.
    const again = await run(['zed', 'memory', '--write']);
    expect(again.stderr).toMatch(/already up to date/);
    expect((await readdir(join(sandbox.home, '.config', 'zed'))).sort()).toEqual(['settings.json', 'settings.json.bak']);
    const removed = await run(['zed', '--remove', 'memory']);
    expect(removed.code, removed.stderr).toBe(0);
    const after = await readFile(file, 'utf8');
    expect(after).toContain('"theme": "One Dark", // my theme\n  /* fonts */\n');
    expect(after).not.toContain('memory');
  }, TIMEOUT);

  it('Zed: a file that is not valid even as JSON with comments is refused, exit 6, unchanged', async () => {
    const file = join(sandbox.home, '.config', 'zed', 'settings.json');
    await mkdir(join(sandbox.home, '.config', 'zed'), { recursive: true });
    await writeFile(file, '{ "theme": \n');
    const result = await run(['zed', 'memory', '--write']);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/cannot be updated: it is not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe('{ "theme": \n');
  }, TIMEOUT);
});

describe('Codex CLI: TOML', () => {
  it('prints [mcp_servers.NAME] tables; --write keeps the other settings and tables, says that comments go, and keeps them in the .bak', async () => {
    const snippet = await run(['codex', 'memory']);
    expect(snippet.code, snippet.stderr).toBe(0);
    expect(snippet.stdout).toBe('[mcp_servers.memory]\ncommand = "mcpkey"\nargs = [ "run", "memory" ]\n');

    const file = join(sandbox.home, '.codex', 'config.toml');
    await mkdir(join(sandbox.home, '.codex'));
    const original = '# my codex\nmodel = "o3"\napproval_policy = "on-request"\n\n[mcp_servers.docs]\ncommand = "npx"\nargs = ["-y", "docs-mcp"]\nenv = { "DOCS_MODE" = "fast" }\n\n[profiles.slow]\nmodel = "o1"\nbig = 9007199254740993\n';
    await writeFile(file, original);
    const result = await run(['codex', 'memory', '--write', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).warnings).toContainEqual(expect.stringMatching(/Codex CLI's file had comments; rewriting TOML does not keep them/));
    const text = await readFile(file, 'utf8');
    expect(text).toBe(
      'model = "o3"\napproval_policy = "on-request"\n\n[mcp_servers.docs]\ncommand = "npx"\nargs = [ "-y", "docs-mcp" ]\n\n[mcp_servers.docs.env]\nDOCS_MODE = "fast"\n\n[mcp_servers.memory]\ncommand = "mcpkey"\nargs = [ "run", "memory" ]\n\n[profiles.slow]\nmodel = "o1"\nbig = 9007199254740993\n',
    );
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(original);

    // $CODEX_HOME moves the file; an unchanged entry is not rewritten.
    const home = join(sandbox.dir, 'codex-home');
    const moved = join(home, 'config.toml');
    await written(['codex', 'time'], moved, { CODEX_HOME: home });
    const again = await run(['codex', 'time', '--write'], { CODEX_HOME: home });
    expect(again.stderr).toMatch(/already up to date/);
    expect(await readdir(home)).toEqual(['config.toml']);
  }, TIMEOUT);

  it('refuses invalid TOML and an mcp_servers that is not a table, unchanged', async () => {
    const file = join(sandbox.home, '.codex', 'config.toml');
    await mkdir(join(sandbox.home, '.codex'));
    for (const original of ['model = \n', 'mcp_servers = "no"\n']) {
      await writeFile(file, original);
      const result = await run(['codex', 'memory', '--write']);
      expect(result.code).toBe(6);
      expect(result.stderr).toMatch(/cannot be updated: (it is not valid TOML \(line 1\)|"mcp_servers" is not a table)/);
      expect(await readFile(file, 'utf8')).toBe(original);
    }
  }, TIMEOUT);
});

describe('Goose: YAML', () => {
  it('adds a stdio extension under extensions, keeping every comment and other setting byte for byte', async () => {
    const file = join(sandbox.home, '.config', 'goose', 'config.yaml');
    await mkdir(join(sandbox.home, '.config', 'goose'), { recursive: true });
    const original = '# goose settings\nGOOSE_PROVIDER: anthropic # the provider\nextensions:\n  developer:\n    bundled: true # built in\n    enabled: true\n    name: developer\n    type: builtin\n';
    await writeFile(file, original);
    const text = await written(['goose', 'memory'], file);
    expect(text).toBe(
      `${original}  memory:\n    type: stdio\n    name: memory\n    enabled: true\n    cmd: mcpkey\n    args:\n      - run\n      - memory\n    envs: {}\n    env_keys: []\n    timeout: 300\n`,
    );
    const removed = await run(['goose', '--remove', 'memory']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(original);
  }, TIMEOUT);

  it('refuses YAML it cannot parse, unchanged', async () => {
    const file = join(sandbox.home, '.config', 'goose', 'config.yaml');
    await mkdir(join(sandbox.home, '.config', 'goose'), { recursive: true });
    await writeFile(file, 'extensions: [unclosed\n');
    const result = await run(['goose', 'memory', '--write']);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/it is not valid YAML/);
    expect(await readFile(file, 'utf8')).toBe('extensions: [unclosed\n');
  }, TIMEOUT);
});
