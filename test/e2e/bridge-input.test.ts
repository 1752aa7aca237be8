/**
 * What crosses `mcpkey run` besides requests and results: a server's questions (elicitation, relayed to
 * a 2025-era client as `elicitation/create`, passed through as `input_required` to a 2026-07-28 one) and
 * a client's cancellation, against the stateless 2026-07-28 peer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONFIRM_FORM, startModernMcpServer, type ModernMcpServer, type ModernRequestLogEntry } from '../fixtures/mcp-server-2026.js';
import { requireSecretService, useSandbox } from './helpers.js';
import { LOCAL_ERAS, eventually, localSession, textOf, withLocalSession, type ElicitAnswerer, type LocalEra, type LocalSession } from './local-clients.js';

beforeAll(requireSecretService);

const sandbox = useSandbox();
let modern: ModernMcpServer;
let slowStarted = 0;

beforeAll(async () => {
  modern = await startModernMcpServer({ extraTools: [{ name: 'slow', description: 'Answers after two minutes', delayMs: 120_000, onCall: () => void (slowStarted += 1) }] });
});
beforeEach(async () => {
  expect((await sandbox.run(['server', 'add', 'modern', '--url', modern.url, '--no-auth'])).code).toBe(0);
  modern.clearRequests();
});
afterAll(async () => {
  await modern?.close();
});

async function withSession<T>(era: LocalEra, options: Parameters<typeof localSession>[3], body: (session: LocalSession) => Promise<T>): Promise<T> {
  return withLocalSession(sandbox, era, 'modern', options ?? {}, body);
}

function answerer(answer: ElicitAnswerer['answer']): ElicitAnswerer {
  return { asked: [], answer };
}

type CallBody = { params: { name: string; inputResponses?: Record<string, unknown>; requestState?: string; _meta?: Record<string, unknown> } };
const bodyOf = (entry: ModernRequestLogEntry) => entry.body as CallBody;

describe.each(LOCAL_ERAS)('elicitation: a %s client answers the 2026-07-28 server through the bridge', (era) => {
  it('two rounds of input_required, answered by the client, with requestState carried back byte for byte', async () => {
    const elicit = answerer(() => ({ action: 'accept', content: { approve: true, comment: `from a ${era} client`, level: 4 } }));
    const report = await withSession(era, { elicit }, async (session) => {
      const result = JSON.parse(textOf(await session.call('confirm', { rounds: 2, message: 'Ship it?' })));
      const asks = session.received.filter((message) => message.method === 'elicitation/create');
      const passed = session.received.filter((message) => message.result?.resultType === 'input_required');
      if (era === '2025-11-25') {
        // mcpkey turned each embedded request into an elicitation/create request to the client, and retried itself.
        expect(asks).toHaveLength(2);
        expect(passed).toEqual([]);
        expect(session.sent.filter((message) => message.method === 'tools/call')).toHaveLength(1);
      } else {
        // Passed through as it came: the client fulfilled it and repeated the call itself.
        expect(asks).toEqual([]);
        expect(passed).toHaveLength(2);
        expect(passed[0]!.result.inputRequests.confirm).toMatchObject({ method: 'elicitation/create' });
        expect(session.sent.filter((message) => message.method === 'tools/call')).toHaveLength(3);
      }
      return result;
    });
    expect(report).toMatchObject({ rounds: 2, action: 'accept', content: { approve: true, comment: `from a ${era} client`, level: 4 }, era: 'modern' });
    // The client was asked twice, with the server's own form.
    expect(elicit.asked.map((params) => params.message)).toEqual(['Ship it? (round 1 of 2)', 'Ship it? (round 2 of 2)']);
    for (const params of elicit.asked) expect(params.requestedSchema).toEqual(CONFIRM_FORM);

    // On the wire: the first call, then one retry per round, each with the answer and the state as minted.
    const calls = modern.rpcRequests('tools/call').filter((entry) => entry.toolNames[0] === 'confirm');
    expect(calls).toHaveLength(3);
    expect(bodyOf(calls[0]!).params.requestState).toBeUndefined();
    for (const retry of calls.slice(1)) {
      expect(bodyOf(retry).params.inputResponses?.confirm).toMatchObject({ action: 'accept', content: { comment: `from a ${era} client` } });
      expect(bodyOf(retry).params.requestState).toMatch(/^confirm\.\d\.[A-Za-z0-9+/=]+~"ü"$/);
      expect(retry.headers['mcp-name']).toBe('confirm');
    }
    expect(report.requestState).toBe(bodyOf(calls[2]!).params.requestState);
    // The server was told the answering side can elicit.
    for (const call of calls) expect(bodyOf(call).params._meta?.['io.modelcontextprotocol/clientCapabilities']).toMatchObject({ elicitation: {} });
  }, 120_000);

  it('a declined question reaches the server as declined', async () => {
    const elicit = answerer(() => ({ action: 'decline' }));
    const report = await withSession(era, { elicit }, async (session) => JSON.parse(textOf(await session.call('confirm', {}))));
    expect(report).toMatchObject({ rounds: 1, action: 'decline', content: null });
    expect(elicit.asked).toHaveLength(1);
  }, 120_000);
});

describe('elicitation: a client that cannot answer', () => {
  it.each(LOCAL_ERAS)('%s: the server says it needs input, and the client gets that as an error, not a hang', async (era) => {
    await withSession(era, {}, async (session) => {
      const outcome = await session.call('confirm', {}).then(
        (result) => ({ error: undefined, result }),
        (error: Error & { code?: unknown }) => ({ error, result: undefined }),
      );
      // Either a JSON-RPC error or a tool error: the call ends, with a reason that names the elicitation.
      const said = outcome.error ? outcome.error.message : textOf(outcome.result);
      expect(said).toMatch(/elicit/i);
      if (outcome.result) expect(outcome.result.isError).toBe(true);
    });
  }, 120_000);
});

describe.each(LOCAL_ERAS)('cancellation: a %s client', (era) => {
  it('cancels a long tool call; the server sees the abort and the session goes on', async () => {
    await withSession(era, {}, async (session) => {
      const controller = new AbortController();
      const started = slowStarted;
      const abortedBefore = modern.toolCalls().filter((call) => call.name === 'slow' && call.cancelled === true).length;
      const outcome = session.call('slow', {}, controller.signal).then(
        () => 'answered',
        (error: Error) => error,
      );
      await eventually(() => slowStarted > started, 'the tool to start running');
      controller.abort('the user pressed stop');
      const error = await outcome;
      expect(error).toBeInstanceOf(Error);
      // The forwarded request was aborted upstream: the tool saw its signal fire, long before its two minutes.
      const aborted = () => modern.toolCalls().filter((call) => call.name === 'slow' && call.cancelled === true).length;
      await eventually(() => aborted() === abortedBefore + 1, 'the server-side abort');
      expect(modern.toolCalls().some((call) => call.name === 'slow' && !call.cancelled)).toBe(false);
      // The bridge is still there for the next request.
      expect(textOf(await session.call('echo', { text: 'still here' }))).toBe('still here');
      // The cancelled request gets no answer (the client has forgotten its id); the next one does.
      const [cancelled] = session.sent.filter((message) => message.method === 'tools/call' && message.params.name === 'slow');
      expect(session.sent).toContainEqual(expect.objectContaining({ method: 'notifications/cancelled', params: expect.objectContaining({ requestId: cancelled!.id }) }));
      expect(session.received.filter((message) => message.id === cancelled!.id && message.method === undefined)).toEqual([]);
    });
  }, 120_000);
});
