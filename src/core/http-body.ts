/**
 * Response bodies with a ceiling. A peer that streams without end (or declares a huge
 * Content-Length) makes the body fail with the caller's error as soon as the limit is passed; the
 * connection is dropped and nothing more is buffered.
 */

/** Statuses whose responses cannot be rebuilt with a body (the Response constructor refuses them). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** `whole`: the body as one message. `events`: a server-sent event stream, each event counted on its own. */
export type LimitMode = 'whole' | 'events';

/** Counts a whole body. */
function wholeCounter(limit: number): (chunk: Uint8Array) => boolean {
  let total = 0;
  return (chunk) => (total += chunk.byteLength) <= limit;
}

/**
 * Counts each event of a text/event-stream: an empty line ("\n" or "\r\n") ends one. A listen stream
 * may rightly stay open for hours; only a single event may not grow past the limit.
 */
function eventCounter(limit: number): (chunk: Uint8Array) => boolean {
  let event = 0;
  let line = 0;
  let lastByte = -1;
  return (chunk) => {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, nl + 1)) {
      const length = line + (nl - start);
      const before = nl > 0 ? chunk[nl - 1] : lastByte;
      if (length === 0 || (length === 1 && before === 0x0d)) event = 0;
      else if ((event += length + 1) > limit) return false;
      line = 0;
      start = nl + 1;
    }
    line += chunk.byteLength - start;
    if (chunk.byteLength > 0) lastByte = chunk[chunk.byteLength - 1]!;
    return event + line <= limit;
  };
}

/** The same response, with a body that fails with `tooLarge()` once it passes `limit` bytes. */
export function limitResponse(response: Response, limit: number, tooLarge: () => Error, mode: LimitMode = 'whole'): Response {
  if (!response.body || NULL_BODY.has(response.status)) return response;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const fits = mode === 'events' ? eventCounter(limit) : wholeCounter(limit);
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        if (mode === 'whole' && Number.isFinite(declared) && declared > limit) controller.error(tooLarge());
      },
      transform(chunk, controller) {
        if (fits(chunk)) controller.enqueue(chunk);
        else controller.error(tooLarge());
      },
    }),
  );
  const limited = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  // Redirect handling reads where the response came from.
  Object.defineProperties(limited, { url: { value: response.url }, redirected: { value: response.redirected } });
  return limited;
}

/** A fetch whose every response body is limited; `mode` is chosen per response. */
export function limitedFetch(
  base: typeof fetch,
  limit: number,
  tooLarge: (url: string) => Error,
  mode: (response: Response) => LimitMode = () => 'whole',
): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const url = input instanceof Request ? input.url : input.toString();
    return limitResponse(response, limit, () => tooLarge(url), mode(response));
  };
}
