import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startStallProxy } from '../fixtures/dbus-stall-proxy.js';
import { requireSecretService, useOwnKeyring, useSandbox } from './helpers.js';
import { addAndAuthorize, expireGrant } from './grant-helpers.js';
import { callTool, storedGrant, useOAuthPeers } from './oauth-helpers.js';

beforeAll(requireSecretService);

const keyring = useOwnKeyring('load');

/**
 * MCP clients start one mcpkey per server, per window, per headers-helper call: many `oauth token` at
 * once is everyday load. All of them must succeed, with exactly one refresh at the authorization server,
 * on a small machine whose Secret Service is slowed down by the load itself. `npm run bench` runs the
 * first test with MCPKEY_LOAD_N=100 and prints the line it reports.
 */
const N = Number(process.env.MCPKEY_LOAD_N ?? 50);
/** How long the Secret Service answers late in the second test. */
const SLOW_MS = 8_000;

// Long-lived tokens: the refreshed token must stay fresh for the whole run, so one refresh is the right answer.
const { as, mcp } = useOAuthPeers({ accessTokenTtl: 3600 });
const sandbox = useSandbox();

/** N concurrent `oauth token demo`; checks and reports the outcome. */
async function concurrentTokens(label: string, env: Record<string, string> = {}): Promise<void> {
  const before = as.stats().refreshGrants;
  const started = Date.now();
  const runs = await Promise.all(Array.from({ length: N }, () => sandbox.run(['oauth', 'token', 'demo'], { env, timeoutMs: 300_000 })));
  const seconds = (Date.now() - started) / 1000;
  const latest = (await storedGrant(sandbox, 'demo'))!;
  const ok = runs.filter((run) => run.code === 0 && run.stdout === `${latest.accessToken}\n`).length;
  const refreshes = as.stats().refreshGrants - before;
  const line = `${label}: ${ok}/${N} ok, ${refreshes} refresh${refreshes === 1 ? '' : 'es'} (${seconds.toFixed(1)} s)`;
  console.log(line);
  if (process.env.MCPKEY_LOAD_REPORT) await writeFile(process.env.MCPKEY_LOAD_REPORT, `${JSON.stringify({ n: N, ok, refreshes, seconds, line })}\n`, { flag: 'a' });
  const failures = [...new Set(runs.filter((run) => run.code !== 0).map((run) => `exit ${run.code}: ${run.stderr.trim()}`))];
  expect(failures).toEqual([]);
  expect(ok).toBe(N);
  expect(refreshes).toBe(1);
  expect(JSON.parse(await callTool(mcp.url, latest.accessToken, 'whoami'))).toMatchObject({ sub: 'alice' });
}

describe('load', () => {
  // The calls themselves load the machine: N Node processes on two cores, and a Secret Service that
  // answers them late. (The old code lost the grant here at N=100, sometimes at N=50.)
  it(`${N} concurrent \`oauth token\` across expiry on a loaded machine: all succeed with one refresh`, async () => {
    await addAndAuthorize(sandbox, 'demo', mcp.url);
    await expireGrant(sandbox, 'demo');
    await concurrentTokens(`oauth token ×${N} across expiry`);
  }, 600_000);

  it(`${N} concurrent \`oauth token\` across expiry while the Secret Service answers late: all succeed with one refresh`, async () => {
    await addAndAuthorize(sandbox, 'demo', mcp.url);
    await expireGrant(sandbox, 'demo');
    // Every reply of the Secret Service comes 2.5 s late for the first 8 s: longer than the keychain
    // library waits (2 s), as when it is swamped. The calls must get through once it recovers, within
    // mcpkey's patience (30 s): the 22 s left are for a backlog of N clients on a loaded machine (with
    // 15 s of slowness, 9 of 50 ran out of patience at load average 30).
    const dir = await mkdtemp(join(tmpdir(), 'mcpkey-proxy-'));
    const proxy = await startStallProxy({ dir, upstream: keyring.get().address });
    proxy.slow(2_500);
    const recover = setTimeout(() => proxy.resume(), SLOW_MS);
    try {
      await concurrentTokens(`oauth token ×${N} across expiry, Secret Service late for ${SLOW_MS / 1000} s`, { DBUS_SESSION_BUS_ADDRESS: proxy.address });
    } finally {
      clearTimeout(recover);
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
