import type { Transport } from '@modelcontextprotocol/client';

type Settle = { resolve: (result: unknown) => void; reject: (error: unknown) => void };
type Response = { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };

export interface RawOptions {
  signal?: AbortSignal;
  timeout?: number;
  /** The server's progress notifications for this request (their params). */
  onprogress?: (params: Record<string, unknown>) => void;
}

/** Our ids are strings the SDK never uses (its own are numbers), so the two never collide. */
const PREFIX = 'mcpkey-relay-';

/**
 * Requests relayed past the SDK's request machinery: sent on the connection's transport as they
 * are, and their responses taken off the inbound stream before the SDK decodes them again. For a
 * relay (the gateway) that forwards a result unchanged, that decoding is most of its cost per call.
 * Used only where nothing in between is needed: a 2025-era server, which has no multi-round
 * `input_required` results and no per-request envelope; its elicitations still reach the SDK's handlers.
 */
export class RawCalls {
  private next = 0;
  private readonly pending = new Map<string, Settle>();
  private readonly progress = new Map<string, (params: Record<string, unknown>) => void>();

  /** A response to one of ours, or progress on one: handled here, and not to be handed to the SDK. */
  take(message: unknown): boolean {
    const { method, params } = (message ?? {}) as { method?: unknown; params?: { progressToken?: unknown } };
    if (method === 'notifications/progress') {
      const token = params?.progressToken;
      if (typeof token !== 'string' || !token.startsWith(PREFIX)) return false;
      this.progress.get(token)?.(params as Record<string, unknown>);
      return true;
    }
    // Only responses: a server's own request could carry any id, ours included.
    if (method !== undefined) return false;
    const id = (message as Response | null)?.id;
    if (typeof id !== 'string' || !id.startsWith(PREFIX)) return false;
    const settle = this.pending.get(id);
    if (!settle) return true; // answered after it was cancelled: nobody waits for it
    this.pending.delete(id);
    const { result, error } = message as Response;
    if (error) void protocolError(error).then(settle.reject);
    else settle.resolve(result);
    return true;
  }

  /** The connection closed: every request still waiting fails as the SDK's own do. */
  failAll(): void {
    if (this.pending.size === 0) return;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    this.progress.clear();
    void import('@modelcontextprotocol/client').then(({ SdkError, SdkErrorCode }) => {
      for (const settle of waiting) settle.reject(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'));
    });
  }

  request(transport: Transport, method: string, params: Record<string, unknown>, options: RawOptions = {}): Promise<unknown> {
    const id = `${PREFIX}${(this.next += 1)}`;
    const { signal, timeout, onprogress } = options;
    // Progress is asked for with the request's own id as its token, as the SDK does with its ids.
    if (onprogress) {
      params = { ...params, _meta: { ...(params._meta as Record<string, unknown> | undefined), progressToken: id } };
      this.progress.set(id, onprogress);
    }
    return new Promise<unknown>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        this.progress.delete(id);
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
      };
      // Cancelled or timed out: the server is told (as the SDK tells it), and no answer is awaited.
      const cancel = (reason: unknown, error: () => Promise<unknown>) => {
        if (!this.pending.delete(id)) return;
        done();
        transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(reason) } }).catch(() => undefined);
        void error().then(reject);
      };
      const abort = () => cancel(signal?.reason, async () => signal?.reason);
      if (signal?.aborted) return reject(signal.reason);
      this.pending.set(id, {
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      signal?.addEventListener('abort', abort, { once: true });
      if (timeout !== undefined) {
        timer = setTimeout(
          () => cancel('Request timed out', async () => {
            const { SdkError, SdkErrorCode } = await import('@modelcontextprotocol/client');
            return new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out', { timeout });
          }),
          timeout,
        );
      }
      transport.send({ jsonrpc: '2.0', id, method, params }).catch((error: unknown) => {
        const settle = this.pending.get(id);
        this.pending.delete(id);
        settle?.reject(error);
      });
    });
  }
}

/** The error the SDK makes of an error response, so messages read the same on either path. */
async function protocolError(error: NonNullable<Response['error']>): Promise<Error> {
  const { ProtocolError } = await import('@modelcontextprotocol/client');
  return ProtocolError.fromError(error.code, error.message, error.data);
}
