/**
 * Every error code the source can produce is snake_case and in docs/json.md's table, with its exit
 * code; and the table names no code the source has stopped producing. A new code without a line in
 * the docs fails here.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commanderCode } from '../../src/cli/report.js';
import { serverErrorCode } from '../../src/core/oauth/errors.js';
import type { KeychainProblem } from '../../src/core/secrets/keychain-errors.js';
import { documentedErrorCodes, scanErrorCodes, type FoundCode } from './error-code-scan.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** KeychainError's `keychain_${problem}`: every problem but `absent` (which is KeychainUnavailableError). */
const KEYCHAIN_PROBLEMS: ReadonlyArray<Exclude<KeychainProblem, 'absent'>> = ['locked', 'denied', 'timeout', 'failed'];

/**
 * The codes that are not string literals, and why each is known: a dynamic code the scan meets that is
 * not here fails the test, so that someone looks at it.
 */
const KNOWN_DYNAMIC: Record<string, (at: string) => FoundCode[]> = {
  '`keychain_${problem}`': (at) => KEYCHAIN_PROBLEMS.map((problem) => ({ code: `keychain_${problem}`, exitCode: 5, at })),
  // A caught CliError rethrown with a better message or hint keeps its code, found where it was made.
  'error.code': () => [],
  // The authorization server's own code, kept only when it is snake_case (tested below), else the fallback.
  "serverErrorCode(e.error, 'oauth_failed')": (at) => [{ code: 'oauth_failed', exitCode: 7, at }],
  "serverErrorCode(error, 'authorization_refused')": (at) => [{ code: 'authorization_refused', exitCode: 7, at }],
};

/** Codes made outside a CliError: report.ts's own for a bug, and commander's, renamed by commanderCode(). */
function outsideCliError(): FoundCode[] {
  const commander = readFileSync(join(ROOT, 'node_modules/commander/lib/command.js'), 'utf8');
  // Not errors: help and version output, and the subcommand executables mcpkey does not use; `commander.error`
  // is only the default of command.error(), which mcpkey never calls.
  const notErrors = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version', 'commander.executeSubCommandAsync', 'commander.error']);
  const codes = [...new Set([...commander.matchAll(/'(commander\.[A-Za-z]+)'/g)].map((match) => match[1]!))].filter((code) => !notErrors.has(code));
  expect(codes).toContain('commander.unknownCommand');
  const main = readFileSync(join(ROOT, 'src/cli/report.ts'), 'utf8');
  expect(main).toMatch(/write\('unexpected', .*ExitCode\.unexpected\)/);
  return [...codes.map((code) => ({ code: commanderCode(code), exitCode: 2, at: `commander ${code}` })), { code: 'unexpected', exitCode: 1, at: 'src/cli/report.ts' }];
}

function allCodes(): FoundCode[] {
  const { codes, dynamic } = scanErrorCodes(join(ROOT, 'src'));
  const unknown = dynamic.filter((item) => !(item.text in KNOWN_DYNAMIC));
  expect(unknown, 'error codes that are not string literals: make them literals, or add them to KNOWN_DYNAMIC with the codes they give').toEqual([]);
  return [...codes, ...dynamic.flatMap((item) => KNOWN_DYNAMIC[item.text]!(item.at)), ...outsideCliError()];
}

describe('error codes', () => {
  let found: FoundCode[];
  let documented: Map<string, number[]>;
  beforeAll(() => {
    found = allCodes();
    documented = documentedErrorCodes(join(ROOT, 'docs/json.md'));
  });

  it('the scan finds the codes it should (a scan that finds nothing proves nothing)', () => {
    const codes = new Set(found.map((item) => item.code));
    for (const code of ['usage', 'unknown_server', 'not_authorized', 'insufficient_scope', 'keychain_locked', 'keychain_unavailable', 'unreachable', 'not_mcp', 'server_exited', 'invalid_result', 'command_not_found', 'not_oauth', 'unread_secret', 'unknown_command', 'unknown_option', 'missing_argument', 'lock_timeout', 'cancelled', 'unexpected']) {
      expect(codes, code).toContain(code);
    }
    // Exit codes from ExitCode.x, a literal, and a class's super() call.
    expect(found).toContainEqual(expect.objectContaining({ code: 'command_not_found', exitCode: 127 }));
    expect(found).toContainEqual(expect.objectContaining({ code: 'command_not_found', exitCode: 9 }));
    expect(found).toContainEqual(expect.objectContaining({ code: 'unknown_server', exitCode: 3 }));
    expect(found).toContainEqual(expect.objectContaining({ code: 'insufficient_scope', exitCode: 4 }));
    expect(found).toContainEqual(expect.objectContaining({ code: 'insufficient_scope', exitCode: 7 }));
  });

  it('are snake_case', () => {
    expect(found.filter((item) => !SNAKE_CASE.test(item.code)).map((item) => `${item.code} (${item.at})`)).toEqual([]);
  });

  it('are each in docs/json.md, with every exit code they come with', () => {
    const undocumented = found.filter((item) => !documented.has(item.code)).map((item) => `${item.code} (${item.at})`);
    expect(undocumented, 'add a row to the table under "### Error codes" in docs/json.md').toEqual([]);
    const wrongExit = found
      .filter((item) => item.exitCode !== undefined && !documented.get(item.code)!.includes(item.exitCode))
      .map((item) => `${item.code} exits ${item.exitCode} (${item.at}), docs say ${documented.get(item.code)!.join(', ')}`);
    expect(wrongExit).toEqual([]);
  });

  it('docs/json.md lists no code the source does not produce, and every code in its table is snake_case', () => {
    const codes = new Set(found.map((item) => item.code));
    expect([...documented.keys()].filter((code) => !codes.has(code))).toEqual([]);
    expect([...documented.keys()].filter((code) => !SNAKE_CASE.test(code))).toEqual([]);
    // Every exit code in the table is one the source gives that code (or, for codes whose exit comes from a
    // variable, one of the documented exit codes).
    const exits = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 126, 127, 130]);
    for (const [code, listed] of documented) for (const exit of listed) expect(exits, `${code}: ${exit}`).toContain(exit);
  });

  it("keeps an authorization server's code only when it is snake_case", () => {
    expect(serverErrorCode('invalid_grant', 'oauth_failed')).toBe('invalid_grant');
    expect(serverErrorCode('access_denied', 'authorization_refused')).toBe('access_denied');
    for (const text of ['Invalid-Grant', 'invalid grant', 'invalid.grant', '_x', 'x_', 'a'.repeat(65), '', 'denied\u001b]52']) {
      expect(serverErrorCode(text, 'oauth_failed'), text).toBe('oauth_failed');
    }
  });
});
