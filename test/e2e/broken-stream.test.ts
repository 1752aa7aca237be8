import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBrokenStreamServer, type BrokenStreamServer } from '../fixtures/broken-stream-server.js';
import { requireSecretService, useSandbox } from './helpers.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();
let server: BrokenStreamServer;

beforeAll(async () => {
  server = await startBrokenStreamServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  expect((await sandbox.run(['server', 'add', 'flaky', '--url', server.url, '--no-auth'])).code).toBe(0);
});

function ids(method: string): unknown[] {
  return server.received().filter((request) => request.method === method).map((request) => request.id);
}

describe('a 2026-07-28 response stream that ends without the response', () => {
  it.each(['end', 'destroy'] as const)('is re-issued once as a new request (stream %s)', async (how) => {
    const before = ids('tools/call').length;
    server.breakNext('tools/call', 1, how);
    const result = await sandbox.run(['tools', 'call', 'flaky', 'echo', '--arg', 'text=again'], { timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('again\n');
    const calls = ids('tools/call').slice(before);
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toEqual(calls[1]);
  });

  it('a listing is re-issued too', async () => {
    const before = ids('tools/list').length;
    server.breakNext('tools/list', 1, 'end');
    const result = await sandbox.run(['tools', 'list', 'flaky'], { timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(ids('tools/list').slice(before)).toHaveLength(2);
  });

  it('gives up after the second broken stream with one line, long before the request timeout', async () => {
    server.breakNext('tools/call', 2, 'end');
    const started = Date.now();
    const result = await sandbox.run(['tools', 'call', 'flaky', 'echo', '--arg', 'text=x'], { timeoutMs: 60_000 });
    expect(result.code).toBe(9);
    expect(result.stderr).toMatch(/closed the response stream twice without answering/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
