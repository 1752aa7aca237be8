import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, NotFoundError } from '../../src/core/errors.js';
import { DEFAULT_ENV_FILE, loadEnvFile, locateEnvFile, malformedLines, type EnvFile } from '../../src/core/secrets/env-file.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcpkey-envfile-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(text: string, name = '.env.mcp'): Promise<EnvFile> {
  const path = join(dir, name);
  await writeFile(path, text);
  const file = await loadEnvFile({ path, explicit: true });
  if (!file) throw new Error('expected a file');
  return file;
}

describe('loadEnvFile', () => {
  it('reads plain KEY=VALUE pairs and keeps the path', async () => {
    const file = await load('NEON_API_KEY=abc123\nneon.api_key=dotted\n');
    expect(file.path).toBe(join(dir, '.env.mcp'));
    expect(file.values.get('NEON_API_KEY')).toBe('abc123');
    expect(file.values.get('neon.api_key')).toBe('dotted');
    expect(file.values.size).toBe(2);
    expect(file.warnings).toEqual([]);
  });

  it('strips double, single and backtick quotes', async () => {
    const file = await load('A="double quoted"\nB=\'single quoted\'\nC=`back tick`\nD=""\n');
    expect(file.values.get('A')).toBe('double quoted');
    expect(file.values.get('B')).toBe('single quoted');
    expect(file.values.get('C')).toBe('back tick');
    expect(file.values.get('D')).toBe('');
    expect(file.warnings).toEqual([]);
  });

  it('accepts the `export ` prefix', async () => {
    const file = await load('export GITHUB_PERSONAL_ACCESS_TOKEN=ghp_x\nexport   brave.api_key="b"\n');
    expect(file.values.get('GITHUB_PERSONAL_ACCESS_TOKEN')).toBe('ghp_x');
    expect(file.values.get('brave.api_key')).toBe('b');
    expect(file.values.has('export GITHUB_PERSONAL_ACCESS_TOKEN')).toBe(false);
    expect(file.warnings).toEqual([]);
  });

  it('ignores # comment lines and blank lines without warnings', async () => {
    const file = await load('# a comment\n\n   # indented comment\nA=1\n\n#B=2\n');
    expect([...file.values.keys()]).toEqual(['A']);
    expect(file.warnings).toEqual([]);
  });

  it('drops inline comments after unquoted values, but keeps # inside quotes', async () => {
    const file = await load('A=value # a comment\nB="has # hash" # comment\nC=\'x#y\'\n');
    expect(file.values.get('A')).toBe('value');
    expect(file.values.get('B')).toBe('has # hash');
    expect(file.values.get('C')).toBe('x#y');
    expect(file.warnings).toEqual([]);
  });

  it('keeps "=" inside values', async () => {
    const file = await load('POSTGRES_URL=postgresql://u:p@h/db?sslmode=require&a=b\nB64=YWJj==\nQ="k=v"\n');
    expect(file.values.get('POSTGRES_URL')).toBe('postgresql://u:p@h/db?sslmode=require&a=b');
    expect(file.values.get('B64')).toBe('YWJj==');
    expect(file.values.get('Q')).toBe('k=v');
  });

  it('reads multi-line double-quoted values and does not report their lines as malformed', async () => {
    const text = 'BEFORE=1\nKEY="-----BEGIN KEY-----\nline two\nline three\n-----END KEY-----"\nAFTER=2\n';
    const file = await load(text);
    expect(file.values.get('KEY')).toBe('-----BEGIN KEY-----\nline two\nline three\n-----END KEY-----');
    expect(file.values.get('BEFORE')).toBe('1');
    expect(file.values.get('AFTER')).toBe('2');
    expect(file.warnings).toEqual([]);
    expect(malformedLines(text)).toEqual([]);
  });

  it('expands \\n escapes in double-quoted values', async () => {
    const file = await load('A="one\\ntwo"\n');
    expect(file.values.get('A')).toBe('one\ntwo');
  });

  it('keeps unicode keys and values intact', async () => {
    const file = await load('GREETING=héllo wörld ✓ 日本語 🔑\nQ="ñ"\n');
    expect(file.values.get('GREETING')).toBe('héllo wörld ✓ 日本語 🔑');
    expect(file.values.get('Q')).toBe('ñ');
  });

  it('handles CRLF line endings, without a trailing \\r in values', async () => {
    const file = await load('A=1\r\nB="two"\r\n# c\r\nC=three # x\r\nD=last');
    expect(file.values.get('A')).toBe('1');
    expect(file.values.get('B')).toBe('two');
    expect(file.values.get('C')).toBe('three');
    expect(file.values.get('D')).toBe('last');
    for (const value of file.values.values()) expect(value).not.toContain('\r');
    expect(file.warnings).toEqual([]);
  });

  it('reports a malformed line with its line number and still loads the other keys', async () => {
    const file = await load('A=1\n# comment\nTHIS LINE HAS NO EQUALS\nB=2\n');
    expect(file.values.get('A')).toBe('1');
    expect(file.values.get('B')).toBe('2');
    expect(file.values.size).toBe(2);
    expect(file.warnings).toHaveLength(1);
    expect(file.warnings[0]).toBe(`${join(dir, '.env.mcp')}:3 is not KEY=VALUE and was ignored`);
  });

  it('counts line numbers correctly in a CRLF file with a multi-line value', async () => {
    const file = await load('A="x\r\ny"\r\nbroken\r\nB=2\r\n');
    expect(file.values.get('B')).toBe('2');
    expect(file.warnings).toEqual([`${join(dir, '.env.mcp')}:3 is not KEY=VALUE and was ignored`]);
  });

  it('never puts a malformed line into the warning text (it may be a pasted secret)', async () => {
    const file = await load('sk-live-abcdef0123456789\nA=1\n');
    expect(file.warnings).toHaveLength(1);
    expect(file.warnings[0]).not.toContain('sk-live');
    expect(file.warnings[0]).toContain(':1 ');
  });

  it('a missing file named explicitly is a NotFoundError', async () => {
    const path = join(dir, 'nope.env');
    const error = await loadEnvFile({ path, explicit: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).exitCode).toBe(3);
    expect((error as NotFoundError).code).toBe('env_file_missing');
    expect((error as NotFoundError).message).toContain(path);
  });

  it('a missing default file is quietly skipped', async () => {
    await expect(loadEnvFile({ path: join(dir, '.env.mcp'), explicit: false })).resolves.toBeUndefined();
  });

  it('an unreadable file is an error even when implicit', async () => {
    // A directory in place of the file cannot be read as one (EISDIR), whoever runs the test.
    const path = join(dir, 'is-a-dir');
    await mkdir(path);
    await chmod(path, 0o700);
    const error = await loadEnvFile({ path, explicit: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('env_file_unreadable');
    expect((error as ConfigError).exitCode).toBe(6);
    expect((error as ConfigError).message).toContain('it is a directory');
  });
});

describe('malformedLines', () => {
  it('returns 1-based line numbers of lines that are not assignments', () => {
    expect(malformedLines('A=1\nnot an assignment\n\n# ok\nB=2\nalso bad\n')).toEqual([2, 6]);
  });

  it('accepts export, dotted keys, dashes, spaces around "=", and "key: value"', () => {
    expect(malformedLines('export A=1\nneon.api_key=2\nmy-key=3\nSPACED = 4\nYAML: style\n  INDENTED=5\n')).toEqual([]);
  });

  it('reports a bare `export NAME` and a key with no separator', () => {
    expect(malformedLines('export NAME\nNAME\n')).toEqual([1, 2]);
  });

  it('tracks single-quoted and backtick multi-line values', () => {
    expect(malformedLines("A='one\ntwo = no\nthree'\nB=`x\ny`\nbad\n")).toEqual([6]);
  });

  it('does not end a quoted value at an escaped quote', () => {
    expect(malformedLines('A="one \\" still open\nnot a key line\nend"\nbad\n')).toEqual([4]);
  });

  it('an unterminated quote does not hide later malformed lines (dotenv reads it as a one-line value)', () => {
    // dotenv only joins lines when a closing quote follows; without one it loads A='"unterminated'
    // and goes on line by line, silently dropping "broken line". That line must still be reported.
    const text = 'A="unterminated\nbroken line\nB=2\n';
    expect(malformedLines(text)).toEqual([2]);
  });
});

describe('locateEnvFile', () => {
  const cwd = '/projects/app';

  it('defaults to .env.mcp in the working directory, not explicit', () => {
    expect(DEFAULT_ENV_FILE).toBe('.env.mcp');
    expect(locateEnvFile(cwd, {})).toEqual({ path: resolve(cwd, '.env.mcp'), explicit: false });
  });

  it('uses MCPKEY_ENV_FILE, explicitly', () => {
    expect(locateEnvFile(cwd, { MCPKEY_ENV_FILE: '/etc/mcp/secrets.env' })).toEqual({ path: '/etc/mcp/secrets.env', explicit: true });
  });

  it('the flag wins over MCPKEY_ENV_FILE', () => {
    expect(locateEnvFile(cwd, { MCPKEY_ENV_FILE: '/from/env.env' }, '/from/flag.env')).toEqual({ path: '/from/flag.env', explicit: true });
  });

  it('resolves relative paths against cwd, from the flag and from the variable', () => {
    expect(locateEnvFile(cwd, {}, 'conf/dev.env')).toEqual({ path: resolve(cwd, 'conf/dev.env'), explicit: true });
    expect(locateEnvFile(cwd, { MCPKEY_ENV_FILE: '../shared.env' })).toEqual({ path: resolve('/projects', 'shared.env'), explicit: true });
  });

  it('an empty MCPKEY_ENV_FILE means the default', () => {
    expect(locateEnvFile(cwd, { MCPKEY_ENV_FILE: '' })).toEqual({ path: resolve(cwd, '.env.mcp'), explicit: false });
  });

  it('works end to end with a relative flag and a real file', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'my.env'), 'X=1\n');
    const location = locateEnvFile(dir, { MCPKEY_ENV_FILE: 'missing.env' }, 'sub/my.env');
    const file = await loadEnvFile(location);
    expect(file?.values.get('X')).toBe('1');
    // The variable alone would name a missing file: explicit, so an error.
    await expect(loadEnvFile(locateEnvFile(dir, { MCPKEY_ENV_FILE: 'missing.env' }))).rejects.toBeInstanceOf(NotFoundError);
  });
});
