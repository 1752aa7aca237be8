import { describe, expect, it } from 'vitest';
import { requireSecretService, useSandbox } from './helpers.js';
import { eventually, textOf } from './local-clients.js';
import { addFixtureServer, processesWith, withGateway } from './gateway-peers.js';

requireSecretService();

describe('mcpkey gateway: servers start lazily, stop when idle, and never hold each other up', () => {
  const sandbox = useSandbox();

  it('lists a server from its cache without starting it, starts it on the first call, stops it after --idle', async () => {
    const marker = await addFixtureServer(sandbox, 'lazy');
    expect((await sandbox.run(['server', 'enable', 'lazy'])).code).toBe(0);
    // First gateway: no cache entry yet, so the server is started once to list its tools, then stopped.
    await withGateway(sandbox, '2025-11-25', ['--idle', '5s'], async (session) => {
      expect(await session.toolNames()).toContain('lazy__pid');
      await eventually(async () => (await processesWith(marker)) === 0, 'the listing start to end', 60_000);
    });
    // Second gateway: the tools come from the cache; nothing starts until a call needs it.
    await withGateway(sandbox, '2026-07-28', ['--idle', '5s'], async (session) => {
      expect(await session.toolNames()).toContain('lazy__pid');
      expect(await processesWith(marker)).toBe(0);
      const pid = Number(textOf(await session.call('lazy__pid')));
      expect(pid).toBeGreaterThan(0);
      expect(await processesWith(marker)).toBe(1);
      await eventually(async () => (await processesWith(marker)) === 0, 'the idle server to stop', 60_000);
      // The next call starts it again.
      expect(Number(textOf(await session.call('lazy__pid')))).not.toBe(pid);
    });
    await eventually(async () => (await processesWith(marker)) === 0, 'the server to stop with the gateway', 60_000);
  });

  it('a hanging server times out with an error naming it, while a call to another server answers; calls to two servers run in parallel', async () => {
    await addFixtureServer(sandbox, 'stuck');
    await addFixtureServer(sandbox, 'quick');
    for (const name of ['stuck', 'quick']) expect((await sandbox.run(['server', 'enable', name])).code).toBe(0);
    await withGateway(sandbox, '2025-11-25', ['--timeout', '15s'], async (session) => {
      await session.toolNames();
      // Both running first: what is measured below is the calls, not the starts.
      await Promise.all([session.call('stuck__pid'), session.call('quick__pid')]);

      const order: string[] = [];
      const hanging = session.call('stuck__hang').then((result) => (order.push('stuck'), result));
      const quick = session.call('quick__sleep', { ms: 50 }).then((result) => (order.push('quick'), result));
      const [hung, answered] = await Promise.all([hanging, quick]);
      expect(order).toEqual(['quick', 'stuck']);
      expect(answered.isError).not.toBe(true);
      expect(hung.isError).toBe(true);
      expect(textOf(hung)).toMatch(/the server stuck failed on hang: did not answer within 15 s/);
      // The hung call cost the server nothing else: it still answers.
      expect(Number(textOf(await session.call('stuck__pid')))).toBeGreaterThan(0);

      const [a, b] = await Promise.all([session.call('stuck__sleep', { ms: 1500 }), session.call('quick__sleep', { ms: 1500 })]);
      const first = JSON.parse(textOf(a)) as { started: number; ended: number };
      const second = JSON.parse(textOf(b)) as { started: number; ended: number };
      // Each began before the other ended: they ran at the same time.
      expect(first.started).toBeLessThan(second.ended);
      expect(second.started).toBeLessThan(first.ended);
    });
  });
});
