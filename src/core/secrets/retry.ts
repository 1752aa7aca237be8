/**
 * Asking a Secret Service again: under load (dozens of mcpkey processes started at once by MCP
 * clients, on a small machine) its calls time out although nothing is wrong with it. Such failures are
 * retried with jittered exponential backoff until a time budget runs out; every other failure, and
 * the last one, is the caller's.
 */
export interface RetryOptions {
  /** Give up once this much time has passed (an attempt still running then is abandoned). */
  budgetMs: number;
  /** Worth another attempt? */
  transient: (error: unknown) => boolean;
  firstDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryFailure {
  error: unknown;
  attempts: number;
  elapsedMs: number;
  /** An attempt failed transiently before: a write or delete may have taken effect anyway. */
  hadTransient: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `operation` until it succeeds, fails for good, or the budget is spent; rejects with a RetryFailure. */
export async function retrying<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<{ value: T; attempts: number; hadTransient: boolean }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const started = now();
  const deadline = started + options.budgetMs;
  let delay = options.firstDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 2_000;
  let hadTransient = false;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const value = await beforeDeadline(operation(attempt), deadline - now());
      return { value, attempts: attempt, hadTransient };
    } catch (error) {
      const elapsedMs = now() - started;
      const transient = error === OUT_OF_TIME || options.transient(error);
      // Full jitter: processes that failed together do not all come back together.
      const wait = delay / 2 + Math.random() * (delay / 2);
      if (!transient || error === OUT_OF_TIME || now() + wait >= deadline) {
        const failure: RetryFailure = { error, attempts: attempt, elapsedMs, hadTransient: hadTransient || transient };
        throw failure;
      }
      hadTransient = true;
      await sleep(wait);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}

/** Stands for "the budget ran out while an attempt was still running". */
export const OUT_OF_TIME = new Error('timed out: the budget ran out while an attempt was still running');

export function isRetryFailure(value: unknown): value is RetryFailure {
  return typeof value === 'object' && value !== null && 'attempts' in value && 'elapsedMs' in value && 'error' in value;
}

function beforeDeadline<T>(promise: Promise<T>, remainingMs: number): Promise<T> {
  if (remainingMs <= 0) {
    promise.catch(() => undefined);
    return Promise.reject(OUT_OF_TIME);
  }
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(OUT_OF_TIME), remainingMs);
  });
  // An abandoned attempt that fails later must not become an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
