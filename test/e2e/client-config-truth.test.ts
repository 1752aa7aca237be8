import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, filesUnder, requireSecretService, Sandbox } from './helpers.js';

// client config that tells the truth (issue 9): warnings, unchanged files left alone, --remove, client status.

beforeAll(requireSecretService);

let sandbox: Sandbox;
let canary: string;
/** A PATH on which `mcpkey` resolves (a small script that runs this build). */
let pathWithMcpkey: string;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  canary = `canary-${randomBytes(8).toString('hex')}`;
  const bin = join(sandbox.dir, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'mcpkey'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(join(bin, 'mcpkey'), 0o755);
  pathWithMcpkey = `${bin}${delimiter}${process.env.PATH ?? ''}`;
});

afterEach(async () => {
  for (const { args, stdout, stderr } of sandbox.transcript) expect({ args, leaked: `${stdout}${stderr}`.includes(canary) }).toEqual({ args, leaked: false });
  for (const file of await filesUnder(sandbox.dir)) expect({ file: file.path, leaked: file.content.includes(canary) }).toEqual({ file: file.path, leaked: false });
  await sandbox.cleanup();
});

const TIMEOUT = 60_000;
const run = (args: string[], env: Record<string, string> = {}) => sandbox.run(['client', ...args], { env: { PATH: pathWithMcpkey, ...env } });
const cursorFile = () => join(sandbox.home, '.cursor', 'mcp.json');
const warningsOf = (stdout: string): string[] => (JSON.parse(stdout) as { warnings: string[] }).warnings;

describe('warnings', () => {
  it('a server that is not ready: what is missing and the command that fixes it, on stderr and in warnings', async () => {
    const result = await run(['config', 'cursor', 'github', 'linear', 'memory', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const warnings = warningsOf(result.stdout);
    expect(warnings).toContainEqual(expect.stringMatching(/^github is not ready \(missing github\.personal_access_token\).*mcpkey secret set github\.personal_access_token$/));
    expect(warnings).toContainEqual(expect.stringMatching(/^linear is not ready \(missing oauth authorization\).*mcpkey oauth authorize linear$/));
    expect(warnings.join('\n')).not.toMatch(/memory/);
    const text = await run(['config', 'cursor', 'github']);
    expect(text.stderr).toMatch(/warning: github is not ready .*mcpkey secret set github\.personal_access_token/);
    // Stored in the keychain: ready, no warning.
    expect((await sandbox.run(['secret', 'set', 'github.personal_access_token'], { input: canary })).code).toBe(0);
    const ready = await run(['config', 'cursor', 'github', '--json']);
    expect(warningsOf(ready.stdout)).toEqual([]);
  }, TIMEOUT);

  it("a secret only this shell's environment or ./.env.mcp holds: a client started elsewhere will not see it", async () => {
    const fromEnv = await run(['config', 'claude-code', 'brave', '--json'], { BRAVE_API_KEY: canary });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(warningsOf(fromEnv.stdout)).toEqual([expect.stringMatching(/^brave\.api_key comes only from this shell's environment \(\$BRAVE_API_KEY\).*mcpkey secret set brave\.api_key$/)]);

    await writeFile(join(sandbox.cwd, '.env.mcp'), `BRAVE_API_KEY=${canary}\n`);
    const fromFile = await run(['config', 'claude-code', 'brave', '--json']);
    expect(warningsOf(fromFile.stdout)).toEqual([`brave.api_key comes only from ${join(sandbox.cwd, '.env.mcp')} (BRAVE_API_KEY); Claude Code, started from elsewhere, will not see it: store it in the keychain with mcpkey secret set brave.api_key`]);

    // Also in the keychain: the client will find it there, whatever its environment.
    expect((await sandbox.run(['secret', 'set', 'brave.api_key'], { input: `${canary}-stored` })).code).toBe(0);
    const stored = await run(['config', 'claude-code', 'brave', '--json'], { BRAVE_API_KEY: canary });
    expect(warningsOf(stored.stdout)).toEqual([]);
    // The file was this test's own doing; the leak check covers everything mcpkey wrote.
    await rm(join(sandbox.cwd, '.env.mcp'));
  }, TIMEOUT);

  it('mcpkey not on PATH: a warning offering --command with this mcpkey; a --command that is no executable: a warning', async () => {
    const missing = await sandbox.run(['client', 'config', 'cursor', 'memory', '--json'], { env: { PATH: '/nonexistent' } });
    expect(missing.code, missing.stderr).toBe(0);
    // (Without any PATH the server's own launcher may be missing too: that is a separate warning.)
    expect(warningsOf(missing.stdout)).toContainEqual(expect.stringMatching(/^mcpkey is not on PATH.*--command \/\S+\/bin\/mcpkey\.js/));
    const text = await sandbox.run(['client', 'config', 'cursor', 'memory'], { env: { PATH: '/nonexistent' } });
    expect(text.stderr).toMatch(/warning: mcpkey is not on PATH/);
    expect(warningsOf((await run(['config', 'cursor', 'memory', '--json'])).stdout)).toEqual([]);

    const wrong = await run(['config', 'cursor', 'memory', '--command', join(sandbox.dir, 'no-such-mcpkey'), '--json']);
    expect(warningsOf(wrong.stdout)).toEqual([expect.stringMatching(/no-such-mcpkey is not an executable file/)]);
    const right = await run(['config', 'cursor', 'memory', '--command', join(sandbox.dir, 'bin', 'mcpkey'), '--json']);
    expect(warningsOf(right.stdout)).toEqual([]);
    expect(JSON.parse(right.stdout).snippet.mcpServers.memory.command).toBe(join(sandbox.dir, 'bin', 'mcpkey'));
  }, TIMEOUT);
});

describe('a write that changes nothing', () => {
  it('is not made: no rewrite, no new backup, "already up to date"', async () => {
    const first = await run(['config', 'cursor', 'memory', 'time', '--write']);
    expect(first.code, first.stderr).toBe(0);
    const second = await run(['config', 'cursor', 'memory', '--write']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/already up to date \(memory\)/);
    const before = await stat(cursorFile());
    const bytes = await readFile(cursorFile(), 'utf8');
    const again = await run(['config', 'cursor', 'memory', 'time', '--write', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: false, unchanged: true });
    expect(JSON.parse(again.stdout)).not.toHaveProperty('backup');
    const text = await run(['config', 'cursor', 'time', '--write']);
    expect(text.stderr).toMatch(/already up to date \(time\); nothing was written/);
    expect(await readFile(cursorFile(), 'utf8')).toBe(bytes);
    expect((await stat(cursorFile())).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(join(sandbox.home, '.cursor'))).toEqual(['mcp.json']);
  }, TIMEOUT);
});

describe('client config --remove', () => {
  it('removes the named entries, keeps the rest, backs the file up; a name not in the file is exit 3 and changes nothing', async () => {
    const original = `${JSON.stringify({ mcpServers: { mine: { command: 'node', args: ['mine.js'] }, memory: { command: 'mcpkey', args: ['run', 'memory'] }, time: { command: 'mcpkey', args: ['run', 'time'] } }, theme: 'dark' }, null, 2)}\n`;
    await mkdir(join(sandbox.home, '.cursor'));
    await writeFile(cursorFile(), original);

    const absent = await run(['config', 'cursor', '--remove', 'memory', 'nosuch']);
    expect(absent.code).toBe(3);
    expect(absent.stderr).toMatch(/has no entry "nosuch".*its entries: mine, memory, time/);
    expect(await readFile(cursorFile(), 'utf8')).toBe(original);
    expect(await readdir(join(sandbox.home, '.cursor'))).toEqual(['mcp.json']);

    const removed = await run(['config', 'cursor', '--remove', 'memory', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ written: true, removed: ['memory'], backup: `${cursorFile()}.bak` });
    expect(JSON.parse(await readFile(cursorFile(), 'utf8'))).toEqual({ mcpServers: { mine: { command: 'node', args: ['mine.js'] }, time: { command: 'mcpkey', args: ['run', 'time'] } }, theme: 'dark' });
    expect(await readFile(`${cursorFile()}.bak`, 'utf8')).toBe(original);

    // An entry mcpkey did not write is removed as asked, with a word about it.
    const theirs = await run(['config', 'cursor', '--remove', 'mine']);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(theirs.stderr).toMatch(/warning: mine was not an entry mcpkey wrote/);
    expect(Object.keys(JSON.parse(await readFile(cursorFile(), 'utf8')).mcpServers)).toEqual(['time']);
  }, TIMEOUT);

  it('with no file, or no names: refused, nothing created', async () => {
    const none = await run(['config', 'windsurf', '--remove', 'memory']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/mcp_config\.json has no entry "memory"/);
    const nothing = await run(['config', 'cursor', '--remove']);
    expect(nothing.code).toBe(2);
    expect(await filesUnder(sandbox.home)).toEqual([]);
  }, TIMEOUT);
});

describe('client status', () => {
  it('lists each client file, what it wires, and whether each mcpkey server exists, is enabled and is ready', async () => {
    expect((await sandbox.run(['server', 'enable', 'memory'])).code).toBe(0);
    await mkdir(join(sandbox.home, '.cursor'));
    await writeFile(
      cursorFile(),
      JSON.stringify({
        mcpServers: {
          mem: { command: 'mcpkey', args: ['run', 'memory'] },
          gh: { command: '/usr/local/bin/mcpkey', args: ['run', 'github'] },
          gone: { command: 'mcpkey', args: ['run', 'retired-server'] },
          other: { command: 'npx', args: ['-y', 'something'] },
        },
      }),
    );
    await mkdir(join(sandbox.home, '.codex'));
    await writeFile(join(sandbox.home, '.codex', 'config.toml'), '[mcp_servers.memory]\ncommand = "mcpkey"\nargs = ["run", "memory"]\n');

    const result = await run(['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout) as { clients: Array<{ client: string; file: string; exists: boolean; servers: unknown[] }>; warnings: string[] };
    expect(data.clients.map((client) => client.client)).toEqual(['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'cline', 'zed', 'gemini', 'codex', 'goose']);
    const cursor = data.clients.find((client) => client.client === 'cursor')!;
    expect(cursor).toMatchObject({ file: cursorFile(), exists: true });
    expect(cursor.servers).toEqual([
      { name: 'mem', viaMcpkey: true, server: 'memory', known: true, enabled: true, ready: true, missing: [], nextSteps: [] },
      {
        name: 'gh',
        viaMcpkey: true,
        server: 'github',
        known: true,
        enabled: false,
        ready: false,
        // readiness()'s own items (strings, or the JSON vocabulary's typed items).
        missing: [expect.anything()],
        nextSteps: ['mcpkey secret set github.personal_access_token'],
      },
      { name: 'gone', viaMcpkey: true, server: 'retired-server', known: false },
      { name: 'other', viaMcpkey: false },
    ]);
    expect(JSON.stringify((cursor.servers[1] as { missing: unknown[] }).missing)).toContain('github.personal_access_token');
    expect(data.clients.find((client) => client.client === 'codex')!.servers).toMatchObject([{ name: 'memory', server: 'memory', ready: true }]);
    expect(data.clients.find((client) => client.client === 'zed')).toMatchObject({ exists: false, servers: [] });
    expect(data.warnings).toEqual([expect.stringMatching(/^Cursor: "gone" runs mcpkey server "retired-server", which is not in the catalog: remove it with mcpkey client config cursor --remove gone$/)]);

    const one = await run(['status', 'cursor']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/Cursor \(cursor\): .*mcp\.json/);
    expect(one.stdout).toMatch(/gh\s+github\s+not enabled, not ready \(mcpkey secret set github\.personal_access_token\)/);
    expect(one.stdout).toMatch(/other\s+-\s+not through mcpkey/);
    expect(one.stdout).not.toMatch(/Zed/);
  }, TIMEOUT);

  it('a file it cannot parse is reported, not fatal', async () => {
    await mkdir(join(sandbox.home, '.codeium', 'windsurf'), { recursive: true });
    await writeFile(join(sandbox.home, '.codeium', 'windsurf', 'mcp_config.json'), '{ "mcpServers": ');
    const result = await run(['status', 'windsurf', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data.clients[0]).toMatchObject({ client: 'windsurf', exists: true, servers: [] });
    expect(data.clients[0].error).toMatch(/cannot parse it/);
    expect(data.warnings).toEqual([expect.stringMatching(/^Windsurf: .*mcp_config\.json: cannot parse it/)]);
  }, TIMEOUT);
});
