import { deserializeMessage, ProtocolError, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { decodePlainResult } from '../../src/core/protocol/fast-decode.js';
import { RawCalls } from '../../src/core/protocol/raw-calls.js';

/** What the SDK's own decoder makes of a line: the message, or 'refused'. */
function sdk(line: string): unknown {
  try {
    return deserializeMessage(line);
  } catch {
    return 'refused';
  }
}

describe('plain results decoded without the SDK schema union', () => {
  const taken = [
    '{"jsonrpc":"2.0","id":1,"result":{}}',
    '{"jsonrpc":"2.0","id":"abc","result":{"content":[{"type":"text","text":"hi"}],"isError":false}}',
    '{"result":{"tools":[]},"id":0,"jsonrpc":"2.0"}',
    '{"jsonrpc":"2.0","id":-7,"result":{"structuredContent":{"a":[1,2,{"b":null}]},"content":[]}}',
    '{"jsonrpc":"2.0","id":9007199254740991,"result":{"x":"\\"result\\""}}',
  ];
  it.each(taken)('takes %s exactly as the SDK would', (line) => {
    const fast = decodePlainResult(line);
    expect(fast).toBeDefined();
    expect(fast).toEqual(sdk(line));
  });

  // Everything else is left to the SDK, whatever it then makes of it.
  const left = [
    ['a request', '{"jsonrpc":"2.0","id":1,"method":"ping"}'],
    ['a notification', '{"jsonrpc":"2.0","method":"notifications/progress","params":{"result":1}}'],
    ['an error', '{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no"}}'],
    ['a result with _meta', '{"jsonrpc":"2.0","id":1,"result":{"_meta":{"io.modelcontextprotocol/serverInfo":7}}}'],
    ['an extra member', '{"jsonrpc":"2.0","id":1,"result":{},"extra":true}'],
    ['a wrong version', '{"jsonrpc":"1.0","id":1,"result":{}}'],
    ['a fractional id', '{"jsonrpc":"2.0","id":1.5,"result":{}}'],
    ['an unsafe integer id', '{"jsonrpc":"2.0","id":9007199254740993,"result":{}}'],
    ['a null id', '{"jsonrpc":"2.0","id":null,"result":{}}'],
    ['an array result', '{"jsonrpc":"2.0","id":1,"result":[]}'],
    ['a null result', '{"jsonrpc":"2.0","id":1,"result":null}'],
    ['no id', '{"jsonrpc":"2.0","result":{}}'],
    ['not JSON', 'result: yes'],
    ['an array', '[{"jsonrpc":"2.0","id":1,"result":{}}]'],
  ];
  it.each(left)('leaves %s to the SDK', (_label, line) => {
    expect(decodePlainResult(line!)).toBeUndefined();
  });

  it('never takes a line the SDK refuses', () => {
    for (const [, line] of left) if (sdk(line!) === 'refused') expect(decodePlainResult(line!)).toBeUndefined();
  });
});

/** A transport that records what is sent. */
function recorder(): Transport & { sent: JSONRPCMessage[] } {
  const sent: JSONRPCMessage[] = [];
  return { sent, start: async () => undefined, close: async () => undefined, send: async (message: JSONRPCMessage) => void sent.push(message) };
}

describe('requests relayed past the SDK', () => {
  it('matches each answer to its request by an id the SDK never uses, and leaves other messages alone', async () => {
    const raw = new RawCalls();
    const transport = recorder();
    const first = raw.request(transport, 'tools/call', { name: 'a', arguments: {} });
    const second = raw.request(transport, 'tools/call', { name: 'b', arguments: {} });
    const [one, two] = transport.sent as Array<{ id: string; method: string; params: unknown }>;
    expect(typeof one!.id).toBe('string');
    expect(one!.id).not.toBe(two!.id);
    expect(one).toMatchObject({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'a', arguments: {} } });
    // The SDK's own ids are numbers: its responses are not taken.
    expect(raw.take({ jsonrpc: '2.0', id: 1, result: {} })).toBe(false);
    expect(raw.take({ jsonrpc: '2.0', method: 'notifications/progress' })).toBe(false);
    // A request from the server that happens to use an id like ours is the SDK's to answer.
    expect(raw.take({ jsonrpc: '2.0', id: one!.id, method: 'elicitation/create', params: {} })).toBe(false);
    expect(raw.take({ jsonrpc: '2.0', id: two!.id, result: { content: [], n: 2 } })).toBe(true);
    expect(raw.take({ jsonrpc: '2.0', id: one!.id, result: { content: [], n: 1 } })).toBe(true);
    await expect(first).resolves.toEqual({ content: [], n: 1 });
    await expect(second).resolves.toEqual({ content: [], n: 2 });
  });

  it('rejects with the error the SDK makes of an error response', async () => {
    const raw = new RawCalls();
    const transport = recorder();
    const call = raw.request(transport, 'tools/call', { name: 'x' });
    const { id } = transport.sent[0] as { id: string };
    raw.take({ jsonrpc: '2.0', id, error: { code: -32602, message: 'Unknown tool: x' } });
    const error = await call.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: -32602, message: ProtocolError.fromError(-32602, 'Unknown tool: x').message });
  });

  it('tells the server when a call is cancelled or times out, and takes its late answer without settling twice', async () => {
    const raw = new RawCalls();
    const transport = recorder();
    const controller = new AbortController();
    const cancelled = raw.request(transport, 'tools/call', { name: 'slow' }, { signal: controller.signal });
    controller.abort(new Error('the client cancelled'));
    await expect(cancelled).rejects.toThrow('the client cancelled');
    const { id } = transport.sent[0] as { id: string };
    expect(transport.sent[1]).toMatchObject({ method: 'notifications/cancelled', params: { requestId: id } });
    expect(raw.take({ jsonrpc: '2.0', id, result: {} })).toBe(true);

    const timed = raw.request(transport, 'tools/call', { name: 'slow' }, { timeout: 20 });
    await expect(timed).rejects.toThrow(/timed out/);
    expect(transport.sent[3]).toMatchObject({ method: 'notifications/cancelled', params: { requestId: (transport.sent[2] as { id: string }).id } });
  });

  it('asks for progress under its own token and hands the server\'s progress to that call only, until it ends', async () => {
    const raw = new RawCalls();
    const transport = recorder();
    const steps: unknown[] = [];
    const call = raw.request(transport, 'tools/call', { name: 'slow', _meta: { traceparent: 't' } }, { onprogress: (params) => steps.push(params.progress) });
    const sent = transport.sent[0] as { id: string; params: { _meta: Record<string, unknown> } };
    expect(sent.params._meta).toEqual({ traceparent: 't', progressToken: sent.id });
    expect(raw.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: sent.id, progress: 1 } })).toBe(true);
    // Another token (the SDK's own requests use numbers) is not ours.
    expect(raw.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 3, progress: 9 } })).toBe(false);
    raw.take({ jsonrpc: '2.0', id: sent.id, result: {} });
    await call;
    raw.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: sent.id, progress: 2 } });
    expect(steps).toEqual([1]);
  });

  it('fails every waiting call when the connection closes', async () => {
    const raw = new RawCalls();
    const transport = recorder();
    const calls = [raw.request(transport, 'tools/call', { name: 'a' }), raw.request(transport, 'tools/call', { name: 'b' })];
    raw.failAll();
    for (const call of calls) await expect(call).rejects.toThrow('Connection closed');
  });
});
