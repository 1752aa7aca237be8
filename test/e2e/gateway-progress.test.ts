import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, requireSecretService, useSandbox } from './helpers.js';
import { LOCAL_ERAS, textOf, type LocalSession } from './local-clients.js';
import { addFixtureServer, withGateway } from './gateway-peers.js';

requireSecretService();

type Progress = { progress: number; total?: number; message?: string };

/** A tool call through the client's own callTool, asking for progress. */
async function callWithProgress(session: LocalSession, name: string, args: Record<string, unknown>): Promise<{ result: Record<string, unknown>; steps: Progress[] }> {
  const steps: Progress[] = [];
  const onprogress = (step: Progress) => steps.push({ progress: step.progress, ...(step.total !== undefined ? { total: step.total } : {}), ...(step.message !== undefined ? { message: step.message } : {}) });
  // Both SDK clients take the options last; v1 (the 2025-era client) has a result schema before them.
  const caller = session.client as unknown as { callTool: (...args: unknown[]) => Promise<Record<string, unknown>> };
  const params = { name, arguments: args };
  const options = { timeout: 60_000, onprogress };
  const result = session.era === '2025-11-25' ? await caller.callTool(params, undefined, options) : await caller.callTool(params, options);
  return { result, steps };
}

describe.each(LOCAL_ERAS)('mcpkey gateway passes a server\'s progress on (%s client)', (era) => {
  const sandbox = useSandbox();

  it('from a 2025-era stdio server (relayed past the SDK) and a 2026-07-28 one (through it), under the client\'s own token', async () => {
    await addFixtureServer(sandbox, 'legacy');
    const added = await sandbox.run(['server', 'add', 'modern', '--env', 'PROGRESS_ERA=2026', '--', process.execPath, join(ROOT, 'test/fixtures/progress-stdio.mjs')]);
    expect(added.code, added.stderr).toBe(0);
    await withGateway(sandbox, era, ['--servers', 'legacy,modern'], async (session) => {
      const legacy = await callWithProgress(session, 'legacy__sleep', { ms: 100 });
      expect(legacy.result.isError).toBeFalsy();
      expect(legacy.steps).toEqual([
        { progress: 1, total: 2, message: 'sleeping' },
        { progress: 2, total: 2, message: 'halfway' },
      ]);
      const modern = await callWithProgress(session, 'modern__echo', { text: 'with progress' });
      expect(textOf(modern.result)).toBe('with progress');
      expect(modern.steps).toEqual([{ progress: 1, total: 1, message: 'echoing' }]);

      // Not asked for: none sent, and the call answers as before.
      const before = session.received.filter((message) => message.method === 'notifications/progress').length;
      expect(textOf(await session.call('legacy__sleep', { ms: 10 }))).toContain('started');
      expect(session.received.filter((message) => message.method === 'notifications/progress').length).toBe(before);
      // Every progress notification carried a token the client chose for a call of its own.
      const tokens = new Set(session.sent.flatMap((message) => (message.params?._meta?.progressToken !== undefined ? [message.params._meta.progressToken] : [])));
      for (const message of session.received.filter((received) => received.method === 'notifications/progress')) expect(tokens.has(message.params.progressToken)).toBe(true);
    });
  });
});
