import { describe, expect, it } from 'vitest';
import { requireSecretService, runProcess, useSandbox } from './helpers.js';
import { eventually, LOCAL_ERAS, textOf } from './local-clients.js';
import { BROWSER_DRIVER, storedGrant, useOAuthPeers } from './oauth-helpers.js';
import { withGateway } from './gateway-peers.js';

requireSecretService();

describe.each(LOCAL_ERAS)('mcpkey gateway: an OAuth server added in the conversation (%s client)', (era) => {
  const sandbox = useSandbox();
  const { mcp } = useOAuthPeers();

  it('returns the sign-in link (the same one while pending), stores the grant once signed in, and removes it again', async () => {
    expect((await sandbox.run(['server', 'add', 'remote', '--url', mcp.url])).code).toBe(0);
    await withGateway(sandbox, era, [], async (session) => {
      const first = textOf(await session.call('mcp-add', { name: 'remote' }));
      const link = /(http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(first)?.[1];
      expect(link, first).toBeDefined();
      // Asked again while the person has not signed in: the same flow, the same link.
      expect(textOf(await session.call('mcp-add', { name: 'remote' }))).toContain(link!);
      expect(await storedGrant(sandbox, 'remote')).toBeUndefined();

      const changes = session.listChanged();
      // The person opens the link: headless Chromium signs in and consents.
      const signed = await runProcess(process.execPath, [BROWSER_DRIVER, link!], { env: { ...process.env, DRIVER_LOG: `${sandbox.dir}/driver.log` }, timeoutMs: 120_000 });
      expect(signed.code, signed.stderr).toBe(0);
      await eventually(() => session.listChanged() > changes, 'tools/list_changed after the sign-in', 60_000);
      expect(await session.toolNames()).toEqual(expect.arrayContaining(['remote__whoami', 'remote__echo']));
      const grant = await storedGrant(sandbox, 'remote');
      expect(grant?.accessToken).toBeDefined();

      expect(textOf(await session.call('remote__echo', { text: 'through the gateway' }))).toContain('through the gateway');
      expect(mcp.lastAuthorization()).toBe(`Bearer ${grant!.accessToken}`);
      expect(textOf(await session.call('mcp-add', { name: 'remote' }))).toMatch(/^remote is authorized, 3 tools available/);

      const removed = await session.call('mcp-remove', { name: 'remote' });
      expect(textOf(removed)).toMatch(/Removed remote.*OAuth grant was deleted/);
      expect(await storedGrant(sandbox, 'remote')).toBeUndefined();
      expect((await session.toolNames()).some((name) => name.startsWith('remote__'))).toBe(false);
    });
  });
});
