import type { Fetch } from '../oauth/discovery.js';
import { MODERN_REVISION } from './revisions.js';

/** A private JSON-RPC error code: "the response stream ended without the response". */
export const LOST_RESPONSE = -32099;

type RequestBody = { id?: unknown; method?: unknown };

function requestId(body: unknown): string | number | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = JSON.parse(body) as RequestBody;
    return typeof message.method === 'string' && (typeof message.id === 'string' || typeof message.id === 'number') ? message.id : undefined;
  } catch {
    return undefined;
  }
}

function answers(data: string, id: string | number): boolean {
  try {
    const parsed = JSON.parse(data) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]).some((message: { id?: unknown; result?: unknown; error?: unknown }) => message?.id === id && ('result' in message || 'error' in message));
  } catch {
    return false;
  }
}

/**
 * 2026-07-28 response streams cannot be resumed: one that ends (or breaks) before the response has
 * lost its request. The SDK would wait for its timeout; this fetch ends the wait at once by closing
 * such a stream with a JSON-RPC error of its own, which the connection turns into one re-issue.
 */
export function reportLostResponses(inner: Fetch): Fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const headers = new Headers(init?.headers);
    const id = init?.method === 'POST' && headers.get('mcp-protocol-version') === MODERN_REVISION ? requestId(init.body) : undefined;
    if (id === undefined || !response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) return response;
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    let pending = '';
    let answered = false;
    const reader = response.body.getReader();
    const lost = `\n\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, error: { code: LOST_RESPONSE, message: 'the response stream ended without the response' } })}\n\n`;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let chunk: { done: true; value?: undefined } | { done: false; value: Uint8Array };
        try {
          chunk = await reader.read();
        } catch {
          chunk = { done: true, value: undefined };
        }
        if (chunk.done) {
          if (!answered) controller.enqueue(encoder.encode(lost));
          controller.close();
          return;
        }
        if (!answered) {
          // Only whole events are looked at; `data:` lines of one event are joined as SSE says.
          pending += decoder.decode(chunk.value, { stream: true });
          const events = pending.split(/\r?\n\r?\n/);
          pending = events.pop() ?? '';
          for (const event of events) {
            const data = event.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, '')).join('\n');
            if (data && answers(data, id)) answered = true;
          }
        }
        controller.enqueue(chunk.value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
