const DEFERRED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Deferred = (typeof DEFERRED)[number];

/**
 * Runs `fn` with SIGINT, SIGTERM and SIGHUP held back, then delivers the first one that came (as if it
 * arrived just then: the process's other handlers, or the default of ending the process).
 *
 * For the window in which stopping would do lasting harm: once an authorization server has rotated a
 * refresh token, the only copy of the new one is in this process until the keychain has it; dying
 * then leaves the old one behind, and presenting that later makes the server revoke the whole grant.
 * SIGKILL cannot be held back; the window is kept as short as the keychain allows.
 */
export async function withSignalsDeferred<T>(fn: () => Promise<T>): Promise<T> {
  let received: Deferred | undefined;
  const handlers = DEFERRED.map((signal) => {
    const handler = () => {
      received ??= signal;
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await fn();
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    if (received) process.kill(process.pid, received);
  }
}
