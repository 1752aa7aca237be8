import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const run = promisify(execFile);

/** What `npm pack` ships must run on its own: no file the CLI needs may be missing from "files". */
describe('the packed tarball', () => {
  let dir: string;
  let pkg: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcpkey-pack-'));
    // --ignore-scripts: the test command has just built dist/; pack what is there.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    await run('tar', ['-xzf', join(dir, filename), '-C', dir]);
    pkg = join(dir, 'package');
    // The registry dependencies, as `npm i -g` would install them, without reaching the network.
    await symlink(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('contains the built code, the completions and the docs, and no tests or sources', async () => {
    const top = (await readdir(pkg)).sort();
    expect(top).toEqual(expect.arrayContaining(['bin', 'dist', 'completions', 'README.md', 'CHANGELOG.md', 'package.json']));
    expect(top).not.toContain('test');
    expect(top).not.toContain('src');
  });

  it('runs: --version, a catalog listing and a completion script', async () => {
    const env = { ...process.env, HOME: dir, MCPKEY_HOME: join(dir, 'cfg'), DBUS_SESSION_BUS_ADDRESS: '' };
    const bin = join(pkg, 'bin', 'mcpkey.js');
    const version = await run(process.execPath, [bin, '--version'], { env });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const list = await run(process.execPath, [bin, 'server', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout).servers.length).toBeGreaterThan(20);
    const completion = await run(process.execPath, [bin, 'completion', 'fish'], { env });
    expect(completion.stdout).toContain('__complete');
    const complete = await run(process.execPath, [bin, '__complete', 'server', 'inspect', 'linea'], { env });
    expect(complete.stdout).toBe('linear\tLinear\n');
  });
});
