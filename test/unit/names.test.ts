import { describe, expect, it } from 'vitest';
import { CliError, ExitCode, UsageError } from '../../src/core/errors.js';
import {
  assertServerName,
  isValidEnvName,
  isValidServerName,
  mechanicalEnvName,
  parseSecretName,
  printable,
  tryParseSecretName,
} from '../../src/core/names.js';
import { thrown } from './lookups.js';

/** Runs fn, expects it to throw, and returns the error. */

describe('server names', () => {
  it.each(['neon', 'google-maps', 'sequential-thinking', 'my_server', '0day', 'a', 'a'.repeat(64)])('accepts %j', (name) => {
    expect(isValidServerName(name)).toBe(true);
    expect(assertServerName(name)).toBe(name);
  });

  it.each([
    ['uppercase', 'Neon'],
    ['all uppercase', 'NEON'],
    ['empty', ''],
    ['leading dash', '-neon'],
    ['leading underscore', '_neon'],
    ['a dot', 'neon.api'],
    ['a space', 'my server'],
    ['a trailing space', 'neon '],
    ['unicode letters', 'café'],
    ['cyrillic lookalike', 'nеon'],
    ['a slash', 'oauth/linear'],
    ['over 64 characters', 'a'.repeat(65)],
  ])('rejects a name with %s', (_label, name) => {
    expect(isValidServerName(name)).toBe(false);
    const error = thrown(() => assertServerName(name));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('invalid_server_name');
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    expect((error as UsageError).hint).toBeTruthy();
  });

  it('escapes control characters of a rejected server name in the message', () => {
    const error = thrown(() => assertServerName('bad\u001b[31mname')) as CliError;
    expect(error.message).not.toContain('\u001b');
    expect(error.message).toContain('\\x1b');
  });
});

describe('secret names', () => {
  it('splits at the first dot into server and key', () => {
    expect(parseSecretName('neon.api_key')).toEqual({ name: 'neon.api_key', server: 'neon', key: 'api_key' });
    expect(parseSecretName('a.b.c')).toEqual({ name: 'a.b.c', server: 'a', key: 'b.c' });
    expect(parseSecretName('atlassian.jira.api_token')).toEqual({
      name: 'atlassian.jira.api_token',
      server: 'atlassian',
      key: 'jira.api_token',
    });
  });

  it.each([
    'google-maps.api_key',
    'github.personal_access_token',
    'neon.API_KEY',
    'neon.key-1',
    'neon.-key',
    'neon._key',
    'x.y',
    `${'s'.repeat(64)}.${'k'.repeat(128)}`,
  ])('accepts %j', (name) => {
    const parsed = tryParseSecretName(name);
    expect(parsed).toBeDefined();
    expect(parsed?.name).toBe(name);
    expect(`${parsed?.server}.${parsed?.key}`).toBe(name);
  });

  it.each([
    ['no dot at all', 'neon'],
    ['an empty key', 'neon.'],
    ['an empty server (leading dot)', '.api_key'],
    ['a trailing dot', 'neon.api_key.'],
    ['a key starting with a dot', 'neon..api_key'],
    ['an uppercase server', 'Neon.api_key'],
    ['a space in the key', 'neon.api key'],
    ['a space in the server', 'my server.api_key'],
    ['a leading space', ' neon.api_key'],
    ['a unicode key', 'neon.clé'],
    ['a unicode server', 'ñeon.api_key'],
    ['an emoji', 'neon.key🔑'],
    ['a slash', 'oauth/linear'],
    ['a slash in the key', 'neon.a/b'],
    ['an over-long server', `${'s'.repeat(65)}.key`],
    ['an over-long key', `neon.${'k'.repeat(129)}`],
    ['the empty string', ''],
    ['only a dot', '.'],
  ])('rejects a name with %s', (_label, name) => {
    expect(tryParseSecretName(name)).toBeUndefined();
    const error = thrown(() => parseSecretName(name));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('invalid_secret_name');
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).hint).toContain('<server>.<key>');
  });

  it('never echoes what follows "=" in an invalid secret name', () => {
    const value = 'sk-live-9f8e7d6c5b4a';
    for (const name of [`neon.api_key=${value}`, `neon=${value}`, `NEON_API_KEY=${value}`, `neon.api_key=${value}=more`, `=${value}`]) {
      const error = thrown(() => parseSecretName(name)) as CliError;
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).not.toContain(value);
      expect(error.message).not.toContain('sk-live');
      expect(String(error.hint)).not.toContain(value);
      expect(JSON.stringify(error)).not.toContain(value);
    }
    // What precedes "=" is still shown, so the user knows which argument was wrong.
    const error = thrown(() => parseSecretName(`neon.api_key=${value}`)) as CliError;
    expect(error.message).toContain('neon.api_key=');
  });

  it('never echoes what follows "=" in an invalid server name', () => {
    const value = 'ghp_supersecretvalue123';
    const error = thrown(() => assertServerName(`github=${value}`)) as CliError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).not.toContain(value);
  });

  it('escapes control characters of a rejected secret name', () => {
    const error = thrown(() => parseSecretName('neon.\u0007bell\nline')) as CliError;
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    expect(error.message).toContain('\\x07');
    expect(error.message).toContain('\\x0a');
  });
});

describe('mechanicalEnvName', () => {
  it.each([
    ['google-maps.api_key', 'GOOGLE_MAPS_API_KEY'],
    ['atlassian.jira.api_token', 'ATLASSIAN_JIRA_API_TOKEN'],
    ['neon.api_key', 'NEON_API_KEY'],
    ['sentry.auth_token', 'SENTRY_AUTH_TOKEN'],
    ['github.personal_access_token', 'GITHUB_PERSONAL_ACCESS_TOKEN'],
    ['my-server.key-1', 'MY_SERVER_KEY_1'],
    ['a.B.c', 'A_B_C'],
  ])('%s → %s', (secret, env) => {
    expect(mechanicalEnvName(secret)).toBe(env);
    expect(isValidEnvName(mechanicalEnvName(secret))).toBe(true);
  });
});

describe('isValidEnvName', () => {
  it.each(['NEON_API_KEY', '_X', 'a', 'Mixed_Case9'])('accepts %j', (name) => expect(isValidEnvName(name)).toBe(true));
  it.each(['', '9LIVES', 'HAS-DASH', 'HAS.DOT', 'HAS SPACE', 'ÜBER', 'A=B'])('rejects %j', (name) =>
    expect(isValidEnvName(name)).toBe(false),
  );
});

describe('printable', () => {
  it('leaves ordinary text alone, including unicode', () => {
    expect(printable('neon.api_key')).toBe('neon.api_key');
    expect(printable('café ✓ 日本')).toBe('café ✓ 日本');
  });

  it('escapes C0 control characters and DEL as \\xNN', () => {
    expect(printable('a\u001b[31mred')).toBe('a\\x1b[31mred');
    expect(printable('line1\nline2\r\t')).toBe('line1\\x0aline2\\x0d\\x09');
    expect(printable('\u0000\u007f')).toBe('\\x00\\x7f');
  });

  it('escapes C1 control characters (U+0080–U+009F), which some terminals execute like ESC sequences', () => {
    // U+009B is the single-character CSI: "\u009b31m" turns text red on terminals that honour C1 controls.
    const out = printable('x\u009b31my\u0085z');
    expect(out).not.toMatch(/[\u0080-\u009f]/);
    expect(out).toBe('x\\x9b31my\\x85z');
  });

  it('clips long text to 80 characters', () => {
    const long = 'x'.repeat(200);
    const out = printable(long);
    expect(out).toHaveLength(80);
    expect(out.endsWith('...')).toBe(true);
    expect(printable('y'.repeat(80))).toBe('y'.repeat(80));
  });

  it('produces no raw control characters whatever the input', () => {
    let all = '';
    for (let code = 0; code < 0x20; code += 1) all += String.fromCharCode(code);
    expect(printable(all)).not.toMatch(/[\u0000-\u001f]/);
  });
});
