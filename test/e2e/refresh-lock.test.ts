import { beforeAll, describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';
import { useGatedPeers } from './gated-peers.js';
import { addAndAuthorize, expireGrant } from './grant-helpers.js';
import { sleep, storedGrant } from './oauth-helpers.js';

beforeAll(requireSecretService);

const peers = useGatedPeers({ accessTokenTtl: 3600 });
const sandbox = useSandbox();

describe('the refresh lock and a slow authorization server', () => {
  it('callers wait for a refresh that takes 20 s, as long as its owner runs: all get the new token, one refresh', async () => {
    const as = peers.as();
    await addAndAuthorize(sandbox, 'demo', peers.mcp().url);
    await expireGrant(sandbox, 'demo');
    // Longer than waiters used to wait (15 s), well within what a refresh may take (30 s).
    as.gate = () => sleep(20_000);
    const before = as.stats().refreshGrants;
    const started = Date.now();
    try {
      const runs = await Promise.all(Array.from({ length: 4 }, () => sandbox.run(['oauth', 'token', 'demo'], { timeoutMs: 120_000 })));
      expect(runs.map((run) => `${run.code} ${run.stderr.trim()}`)).toEqual(Array(4).fill('0 '));
      const latest = (await storedGrant(sandbox, 'demo'))!;
      expect(new Set(runs.map((run) => run.stdout))).toEqual(new Set([`${latest.accessToken}\n`]));
      expect(as.stats().refreshGrants).toBe(before + 1);
      expect(Date.now() - started).toBeGreaterThan(20_000);
    } finally {
      as.gate = undefined;
    }
  }, 240_000);
});
