import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();

/** The pid of a process that has exited: what a crashed mcpkey leaves in its temp file's name. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const TOKEN_COPY = '{"mcpServers": {"mine": {"env": {"MINE_TOKEN": "tok-left-behind-by-a-crash"}}}}';

describe('temp files a crash left at the rename step', () => {
  it('are removed on the next run: a client file copy in the project, and one next to config.json', async () => {
    const dead = deadPid();
    const project = sandbox.cwd;
    await writeFile(join(project, '.mcp.json'), '{"mcpServers": {}}\n');
    // mcpkey's naming, a dead writer: a whole copy of the client's file, tokens included.
    await writeFile(join(project, `.mcp.json.${dead}.0a1b2c3d.tmp`), TOKEN_COPY, { mode: 0o600 });
    // A live writer (this test's own process) and a fresh file: a write in progress, left alone.
    await writeFile(join(project, `.mcp.json.${process.pid}.feedc0de.tmp`), TOKEN_COPY);
    // A live pid, but older than any write takes: stale all the same (the pid was reused).
    const old = join(project, `.mcp.json.${process.pid}.0badf00d.tmp`);
    await writeFile(old, TOKEN_COPY);
    await utimes(old, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    // Not mcpkey's naming: never touched.
    await writeFile(join(project, '.mcp.json.mine.tmp'), 'mine');

    // Printing the snippet is enough to clean up; nothing else changes.
    const printed = await sandbox.run(['client', 'config', 'claude-code', 'memory']);
    expect(printed.code, printed.stderr).toBe(0);
    expect((await readdir(project)).sort()).toEqual(['.mcp.json', `.mcp.json.${process.pid}.feedc0de.tmp`, '.mcp.json.mine.tmp']);
    expect(await readFile(join(project, '.mcp.json'), 'utf8')).toBe('{"mcpServers": {}}\n');

    await mkdir(sandbox.mcpkeyHome, { recursive: true });
    await writeFile(join(sandbox.mcpkeyHome, `config.json.${dead}.12345678.tmp`), '{"version": 1}');
    expect((await sandbox.run(['server', 'enable', 'memory'])).code).toBe(0);
    expect(await readdir(sandbox.mcpkeyHome)).not.toContain(`config.json.${dead}.12345678.tmp`);
  });
});

describe('client config --write', () => {
  const file = () => join(sandbox.home, '.cursor', 'mcp.json');
  const backups = async () => (await readdir(join(sandbox.home, '.cursor'))).filter((name) => name.endsWith('.bak')).sort();

  it('keeps at most three backups however often it writes: the first original, and the two latest', async () => {
    await mkdir(join(sandbox.home, '.cursor'), { recursive: true });
    const original = '{"mcpServers": {"mine": {"command": "mine"}}}\n';
    await writeFile(file(), original);
    const versions: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      versions.push(await readFile(file(), 'utf8'));
      // Each write changes the entry (another --command), so each one is a real write with a backup.
      const result = await sandbox.run(['client', 'config', 'cursor', 'memory', '--write', '--command', `/opt/mcpkey-${i}/bin/mcpkey`]);
      expect(result.code, result.stderr).toBe(0);
    }
    const kept = await backups();
    expect(kept).toHaveLength(3);
    expect(kept).toContain('mcp.json.bak');
    expect(await readFile(join(sandbox.home, '.cursor', 'mcp.json.bak'), 'utf8')).toBe(original);
    const timestamped = kept.filter((name) => name !== 'mcp.json.bak');
    const contents = await Promise.all(timestamped.map((name) => readFile(join(sandbox.home, '.cursor', name), 'utf8')));
    // The two most recent earlier versions, whatever their names sort like.
    expect(contents.sort()).toEqual([versions[6]!, versions[7]!].sort());
  }, 180_000);

  it('a write that changes nothing is skipped: no backup, no new modification time', async () => {
    const first = await sandbox.run(['client', 'config', 'cursor', 'memory', 'neon', '--write']);
    expect(first.code, first.stderr).toBe(0);
    const before = await stat(file());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await sandbox.run(['client', 'config', 'cursor', 'neon', 'memory', '--write', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const data = JSON.parse(again.stdout);
    expect(data).toMatchObject({ written: false, unchanged: true });
    expect(data.servers.map((server: { action: string }) => server.action)).toEqual(['unchanged', 'unchanged']);
    expect(data).not.toHaveProperty('backup');
    expect((await stat(file())).mtimeMs).toBe(before.mtimeMs);
    expect(await backups()).toEqual([]);
    const text = await sandbox.run(['client', 'config', 'cursor', 'neon', '--write']);
    expect(text.stderr).toContain('is already up to date (neon); nothing was written');
  });

  it('the file written keeps its mode, and no temp file is left', async () => {
    await mkdir(join(sandbox.home, '.cursor'), { recursive: true });
    await writeFile(file(), '{}');
    const { chmod } = await import('node:fs/promises');
    await chmod(file(), 0o644);
    expect((await sandbox.run(['client', 'config', 'cursor', 'memory', '--write'])).code).toBe(0);
    expect((await stat(file())).mode & 0o777).toBe(0o644);
    expect((await readdir(join(sandbox.home, '.cursor'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
