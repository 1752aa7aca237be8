import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath, isExecutable, launcherHint } from '../../src/core/run/launchers.js';

/** A file system of the given paths, recording what was asked. */
function files(...present: string[]): ((file: string) => boolean) & { asked: string[] } {
  const asked: string[] = [];
  return Object.assign((file: string) => (asked.push(file), present.includes(file)), { asked });
}

/** Windows's file names ignore case. */
function windowsFiles(...present: string[]): ((file: string) => boolean) & { asked: string[] } {
  const asked: string[] = [];
  const lower = present.map((file) => file.toLowerCase());
  return Object.assign((file: string) => (asked.push(file), lower.includes(file.toLowerCase())), { asked });
}

describe('findOnPath', () => {
  it('POSIX: the first PATH directory that holds the command wins; empty elements are skipped', () => {
    const exists = files('/opt/bin/uvx', '/usr/bin/uvx');
    expect(findOnPath('uvx', { PATH: ':/usr/local/bin:/opt/bin:/usr/bin', platform: 'linux' }, exists)).toBe('/opt/bin/uvx');
    expect(exists.asked).toEqual(['/usr/local/bin/uvx', '/opt/bin/uvx']);
  });

  it('POSIX: not found, or no PATH at all, is undefined', () => {
    expect(findOnPath('uvx', { PATH: '/usr/bin:/bin', platform: 'linux' }, files('/usr/bin/npx'))).toBeUndefined();
    expect(findOnPath('uvx', { platform: 'darwin' }, files('/usr/bin/uvx'))).toBeUndefined();
    expect(findOnPath('', { PATH: '/usr/bin', platform: 'linux' }, files('/usr/bin/'))).toBeUndefined();
  });

  it('a command with a directory part is checked as it is, never searched', () => {
    const exists = files('/home/me/bin/server');
    expect(findOnPath('/home/me/bin/server', { PATH: '/usr/bin', platform: 'linux' }, exists)).toBe('/home/me/bin/server');
    expect(exists.asked).toEqual(['/home/me/bin/server']);
    expect(findOnPath('./server', { PATH: '/usr/bin', platform: 'linux' }, files())).toBeUndefined();
  });

  it('Windows: semicolons, and each PATHEXT extension after the name as given', () => {
    const exists = windowsFiles('C:\\Program Files\\nodejs\\npx.cmd');
    const lookup = { PATH: 'C:\\Windows;C:\\Program Files\\nodejs', PATHEXT: '.COM;.EXE;.BAT;.CMD', platform: 'win32' as const };
    expect(findOnPath('npx', lookup, exists)).toBe('C:\\Program Files\\nodejs\\npx.CMD');
    expect(exists.asked.slice(0, 5)).toEqual(['C:\\Windows\\npx', 'C:\\Windows\\npx.COM', 'C:\\Windows\\npx.EXE', 'C:\\Windows\\npx.BAT', 'C:\\Windows\\npx.CMD']);
    expect(findOnPath('C:\\tools\\uvx', lookup, windowsFiles('C:\\tools\\uvx.exe'))).toBe('C:\\tools\\uvx.EXE');
  });
});

describe('isExecutable', () => {
  it('an executable file yes; a plain file, a directory or nothing no', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcpkey-launchers-'));
    try {
      await writeFile(join(dir, 'tool'), '#!/bin/sh\n');
      await chmod(join(dir, 'tool'), 0o755);
      await writeFile(join(dir, 'plain'), '');
      await chmod(join(dir, 'plain'), 0o644);
      await mkdir(join(dir, 'sub'));
      expect(isExecutable(join(dir, 'tool'))).toBe(true);
      expect(isExecutable(join(dir, 'sub'))).toBe(false);
      expect(isExecutable(join(dir, 'missing'))).toBe(false);
      // root may execute nothing without an x bit either, so this holds under sudo too.
      expect(isExecutable(join(dir, 'plain'))).toBe(false);
      expect(findOnPath('tool', { PATH: dir, platform: 'linux' }, isExecutable)).toBe(join(dir, 'tool'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('launcherHint', () => {
  it.each([
    ['npx', /Node\.js.*https:\/\/nodejs\.org/],
    ['uvx', /uv.*https:\/\/docs\.astral\.sh\/uv\/getting-started\/installation\//],
    ['docker', /Docker Engine.*https:\/\/docs\.docker\.com\/engine\/install\//],
    ['C:\\Tools\\UVX.EXE', /https:\/\/docs\.astral\.sh\/uv/],
    ['/opt/odd/launcher', /^install \/opt\/odd\/launcher, or put the directory that holds it on PATH$/],
  ])('%s', (command, hint) => {
    expect(launcherHint(command)).toMatch(hint);
  });
});
