import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Every rename's source, with its mode at that moment: the temp file as it was before it took the target's place. */
const renamed = vi.hoisted(() => [] as Array<{ from: string; mode: number }>);
vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      renamed.push({ from, mode: (await actual.stat(from)).mode & 0o777 });
      return actual.rename(from, to);
    },
  };
});

const { removeStaleTemps, writeFileAtomic } = await import('../../src/core/atomic.js');
const { pruneBackups } = await import('../../src/core/clients/backups.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpkey-atomic-'));
  renamed.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes through a 0600 temp file in the target’s own directory, then gives the target its mode', async () => {
    const file = join(dir, 'project', 'client.json');
    await mkdir(join(dir, 'project'));
    await writeFile(file, 'old');
    await chmod(file, 0o644);
    await writeFileAtomic(file, 'new', { mode: 0o644, privateDir: false });
    expect(renamed).toHaveLength(1);
    expect(renamed[0]!.from.startsWith(join(dir, 'project', 'client.json.'))).toBe(true);
    expect(renamed[0]!.from).toMatch(/\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(renamed[0]!.mode).toBe(0o600);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(join(dir, 'project'))).toEqual(['client.json']);
  });

  it('removes its temp file when the rename fails', async () => {
    const target = join(dir, 'taken');
    await mkdir(join(target, 'inside'), { recursive: true });
    await expect(writeFileAtomic(target, 'x', { privateDir: false })).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['taken']);
  });
});

describe('removeStaleTemps', () => {
  it('removes only temp files of mcpkey’s naming for this target whose writer is gone', async () => {
    const file = join(dir, 'config.json');
    const names = [`config.json.999999999.0123abcd.tmp`, `config.json.${process.pid}.0123abcd.tmp`, 'config.json.999999999.tmp', 'other.json.999999999.0123abcd.tmp', 'config.json'];
    for (const name of names) await writeFile(join(dir, name), 'x');
    const removed = await removeStaleTemps(file);
    expect(removed).toEqual([join(dir, 'config.json.999999999.0123abcd.tmp')]);
    expect((await readdir(dir)).sort()).toEqual(names.slice(1).sort());
  });
});

describe('pruneBackups', () => {
  it('keeps the newest timestamped backups, and never <file>.bak or anything not of mcpkey’s naming', async () => {
    const file = join(dir, 'mcp.json');
    const names = ['mcp.json.bak', 'mcp.json.20250101T000000Z.bak', 'mcp.json.20250101T000000Z-2.bak', 'mcp.json.20250101T000000Z-10.bak', 'mcp.json.20240101T000000Z.bak', 'mcp.json.mine.bak'];
    for (const name of names) await writeFile(join(dir, name), name);
    await pruneBackups(file, 2);
    expect((await readdir(dir)).sort()).toEqual(['mcp.json.20250101T000000Z-10.bak', 'mcp.json.20250101T000000Z-2.bak', 'mcp.json.bak', 'mcp.json.mine.bak']);
  });
});
