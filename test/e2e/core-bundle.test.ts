import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, requireSecretService, ROOT, runProcess, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();
const LOADER = join(ROOT, 'dist/cli/core.cjs');
const ERRORS = pathToFileURL(join(ROOT, 'dist/core/errors.js')).href;

/** Runs a Node script (an ES module) in the sandbox's environment. */
function node(script: string, env: Record<string, string> = {}) {
  return runProcess(process.execPath, ['--input-type=module', '-e', script], { env: { ...sandbox.baseEnv(), ...env }, cwd: sandbox.cwd });
}

describe('the core bundle (scripts/bundle.mjs, src/cli/core.cts)', () => {
  it('loads from the code cache this build made', async () => {
    const result = await node(`
      import { createRequire } from 'node:module';
      const loader = createRequire(import.meta.url)(${JSON.stringify(LOADER)});
      const core = loader.loadCore();
      process.stdout.write(JSON.stringify({ as: loader.coreLoadedAs(), main: typeof core.cli__main.main, again: loader.loadCore() === core }));
    `);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ as: 'cache', main: 'function', again: true });
  });

  it('is one instance with the ES modules it replaces, whichever side loads first', async () => {
    for (const esFirst of [true, false]) {
      const result = await node(`
        import { createRequire } from 'node:module';
        const loader = createRequire(import.meta.url)(${JSON.stringify(LOADER)});
        const first = ${esFirst} ? await import(${JSON.stringify(ERRORS)}) : loader.loadCore().core__errors;
        const second = ${esFirst} ? loader.loadCore().core__errors : await import(${JSON.stringify(ERRORS)});
        const error = new first.UsageError('x', 'y', 'z');
        process.stdout.write(JSON.stringify({ same: first.CliError === second.CliError, recognised: error instanceof second.CliError }));
      `);
      expect({ esFirst, stderr: result.stderr, out: result.stdout }).toEqual({ esFirst, stderr: '', out: JSON.stringify({ same: true, recognised: true }) });
    }
  });

  it("runs import()s from code V8 took from the cache: an ES-only path and a package", async () => {
    // `server enable` is commander's (an ES module the core imports); its error report is too.
    const unknown = await sandbox.run(['server', 'enable', 'no-such-server']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^mcpkey: unknown server "no-such-server" — .*mcpkey server list/);
    // chalk is imported by the core only for colour on a terminal: FORCE_COLOR asks for it without one.
    const coloured = await sandbox.run(['server', 'list'], { env: { FORCE_COLOR: '1' } });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain('\u001b[');
  });

  it('starts no ES module for the commands it serves', async () => {
    const log = join(sandbox.dir, `es-modules-${Date.now()}`);
    const hooks = join(sandbox.dir, 'log-es-modules.mjs');
    await writeFile(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`);
    const register = join(sandbox.dir, 'register-es-log.mjs');
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    expect((await sandbox.run(['server', 'add', 'core-true', '--', 'true'])).code).toBe(0);
    for (const args of [['server', 'list'], ['secret', 'list'], ['oauth', 'ls'], ['secret', 'get', 'neon.api_key'], ['run', 'core-true'], ['gateway']]) {
      await writeFile(log, '');
      await sandbox.run(args, { env: { NODE_OPTIONS: `--import=${pathToFileURL(register).href}` } });
      const loaded = (await readFile(log, 'utf8')).split('\n')
        // The bin itself goes through the loader's hooks once --import started it; the hooks are the test's.
        .filter((url) => url.startsWith('file:') && url !== pathToFileURL(BIN).href && !url.startsWith(pathToFileURL(sandbox.dir).href));
      expect({ args, loaded }).toEqual({ args, loaded: [] });
    }
  });
});

describe('the bundle script', () => {
  let copy: string;
  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'mcpkey-bundle-'));
    await cp(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  });
  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('refuses a core module that imports a package statically, naming both', async () => {
    const direct = join(copy, 'dist/cli/direct.js');
    await writeFile(direct, `import chalk from 'chalk';\n${await readFile(direct, 'utf8')}`);
    const result = await runProcess(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), join(copy, 'dist')], { env: process.env, cwd: ROOT });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('cli/direct.js imports chalk statically');
  });
});
