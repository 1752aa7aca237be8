import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModernMcpServer, type ModernMcpServer } from '../fixtures/mcp-server-2026.js';
import { requireSecretService, useSandbox } from './helpers.js';
import { eventually, LOCAL_ERAS, textOf } from './local-clients.js';
import { withGateway } from './gateway-peers.js';

requireSecretService();

describe.each(LOCAL_ERAS)('mcpkey gateway ↔ a 2026-07-28 remote server (%s client)', (era) => {
  const sandbox = useSandbox();
  let modern: ModernMcpServer;
  beforeAll(async () => {
    modern = await startModernMcpServer();
  });
  afterAll(async () => {
    await modern.close();
  });

  it('calls its tools, listens for changes upstream, and tells the client when its tools change', async () => {
    expect((await sandbox.run(['server', 'add', 'modern', '--url', modern.url, '--no-auth'])).code).toBe(0);
    expect((await sandbox.run(['server', 'enable', 'modern'])).code).toBe(0);
    const fresh = `fresh_${era.replace(/-/g, '_')}`;
    await withGateway(sandbox, era, [], async (session) => {
      const names = await session.toolNames();
      expect(names).toEqual(expect.arrayContaining(['modern__whoami', 'modern__echo']));
      expect(textOf(await session.call('modern__echo', { text: 'via the gateway' }))).toContain('via the gateway');
      await eventually(() => modern.rpcRequests('subscriptions/listen').length > 0, 'the gateway to listen upstream');
      const changes = session.listChanged();
      modern.addTool({ name: fresh, text: 'fresh tool called' });
      await eventually(() => session.listChanged() > changes, 'tools/list_changed relayed from upstream');
      expect(await session.toolNames()).toContain(`modern__${fresh}`);
      expect(textOf(await session.call(`modern__${fresh}`))).toBe('fresh tool called');
    });
  });
});
