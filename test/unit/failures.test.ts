import { describe, expect, it } from 'vitest';
import { connectionFailure, networkCause, networkFailure } from '../../src/core/protocol/failures.js';

/** What undici throws, as the SDK wraps it: "fetch failed" with the system's code below. */
function undiciFailure(code: string, aggregate = false): Error {
  const system = Object.assign(new Error(`getaddrinfo ${code} nosuch.invalid`), { code });
  const cause = aggregate ? Object.assign(new AggregateError([system, system], ''), { code }) : system;
  const fetchFailed = new TypeError('fetch failed', { cause });
  return Object.assign(new Error('Version negotiation probe failed: fetch failed', { cause: fetchFailed }), { code: 'ERA_NEGOTIATION_FAILED' });
}

describe('network failures', () => {
  it('ENOTFOUND below two wrappers: cannot reach HOST (ENOTFOUND), once', () => {
    const failure = connectionFailure(undiciFailure('ENOTFOUND'), 'nx', false, 'nosuch.invalid');
    expect(failure.message).toBe('cannot reach nosuch.invalid (ENOTFOUND)');
    expect(failure.hint).toMatch(/does not resolve/);
    expect(failure.code).toBe('unreachable');
    expect(failure.exitCode).toBe(9);
  });

  it('the code of an AggregateError (several addresses tried) and of a TLS refusal', () => {
    expect(networkCause(undiciFailure('ECONNREFUSED', true))).toBe('ECONNREFUSED');
    expect(networkFailure(undiciFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'h')!.hint).toMatch(/certificate/);
  });

  it('"fetch failed" without a code still says it never got there; other errors are not network failures', () => {
    expect(networkCause(new TypeError('fetch failed'))).toBe('network error');
    expect(networkCause(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe('bad port');
    expect(networkCause(Object.assign(new Error('Request timed out'), { code: 'REQUEST_TIMEOUT' }))).toBeUndefined();
    expect(connectionFailure(Object.assign(new Error('Request timed out'), { code: 'REQUEST_TIMEOUT' }), 's', false, 'h').code).toBe('timeout');
  });
});
