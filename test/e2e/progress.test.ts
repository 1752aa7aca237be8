/**
 * Progress and transparency (issue 9): network failures say their cause once; a stdio server's
 * first contact gets a startup allowance; what a broken server wrote is named; `run --dry-run`
 * shows names, never values.
 */
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';

beforeAll(requireSecretService);
const sandbox = useSandbox();

/** A port on 127.0.0.1 that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('network failures', () => {
  it('a closed port on 127.0.0.1: "cannot reach 127.0.0.1:PORT (ECONNREFUSED)" once, in both eras and when negotiating', async () => {
    const port = await closedPort();
    expect((await sandbox.run(['server', 'add', 'closed', '--url', `http://127.0.0.1:${port}/mcp`, '--no-auth'])).code).toBe(0);
    for (const protocol of [[], ['--protocol', '2025-11-25'], ['--protocol', '2026-07-28']]) {
      const result = await sandbox.run(['tools', 'list', 'closed', ...protocol]);
      expect(result.code, result.stderr).toBe(9);
      expect(result.stderr.match(new RegExp(`cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`, 'g'))).toHaveLength(1);
      expect(result.stderr).not.toMatch(/fetch failed/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});
