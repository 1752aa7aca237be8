import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import descriptors from '../../src/cli/terminal.cjs';

/** Whether a descriptor may be a terminal, told without making node's stream for it (src/cli/terminal.cts). */
describe('mayBeTerminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkey-terminal-'));
  const opened: number[] = [];
  const open = (path: string, flags: string) => {
    const fd = openSync(path, flags);
    opened.push(fd);
    return fd;
  };
  afterAll(() => {
    for (const fd of opened) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is false for /dev/null, the character device commands are given in cron and CI', () => {
    expect(descriptors.mayBeTerminal(open('/dev/null', 'r'))).toBe(false);
    expect(descriptors.mayBeTerminal(open('/dev/null', 'w'))).toBe(false);
  });

  it('is false for a file', () => {
    const file = join(dir, 'out.txt');
    writeFileSync(file, '');
    expect(descriptors.mayBeTerminal(open(file, 'r'))).toBe(false);
  });

  it('is true for another character device (one a terminal could be)', () => {
    expect(descriptors.mayBeTerminal(open('/dev/zero', 'r'))).toBe(true);
  });

  it('cannot tell for a descriptor that is not open', () => {
    expect(descriptors.mayBeTerminal(987_654)).toBeUndefined();
  });
});
