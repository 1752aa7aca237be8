import type { Env } from '../config/paths.js';
import { UsageError } from '../errors.js';
import { untrusted } from '../text.js';
import { parseReference, REFERENCE_SCHEMES, schemeOf, type ReferenceScheme, type SecretReference } from './reference.js';
import type { StoreContext, StoreResolver } from './types.js';

/** Each store's resolver, loaded on first use: a command that meets no reference loads none of them. */
const LOADERS: Record<ReferenceScheme, () => Promise<{ resolver: StoreResolver }>> = {
  pass: () => import('./pass.js'),
  gopass: () => import('./gopass.js'),
  op: () => import('./op.js'),
  vault: () => import('./vault.js'),
  'aws-sm': () => import('./aws-sm.js'),
  'gcp-sm': () => import('./gcp-sm.js'),
};

export async function resolverFor(scheme: ReferenceScheme): Promise<StoreResolver> {
  return (await LOADERS[scheme]()).resolver;
}

/** Default limit for one store call: enough for a desktop app's unlock prompt (1Password), not a hang. */
export const STORE_TIMEOUT_MS = 30_000;

/** `MCPKEY_STORE_TIMEOUT` (seconds) or the default. */
export function storeTimeoutMs(env: Env): number {
  const raw = env.MCPKEY_STORE_TIMEOUT;
  if (raw === undefined || raw === '') return STORE_TIMEOUT_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`MCPKEY_STORE_TIMEOUT must be a number of seconds, not ${untrusted(raw, 40)}`, 'e.g. MCPKEY_STORE_TIMEOUT=60', 'invalid_option');
  }
  return Math.round(seconds * 1000);
}

/** A reference given explicitly (`secret set --ref`): any other text, an unknown scheme included, is refused. */
export async function requireReference(text: string): Promise<SecretReference> {
  const ref = parseReference(text);
  if (!ref) {
    const scheme = schemeOf(text);
    const what = scheme ? `${untrusted(scheme, 40)}:// is not a secret store mcpkey knows` : `${untrusted(text, 100)} is not a reference`;
    throw new UsageError(what, `references start with ${REFERENCE_SCHEMES.map((item) => `${item}://`).join(', ')}`, 'invalid_reference');
  }
  (await resolverFor(ref.scheme)).check(ref);
  return ref;
}

/**
 * Resolves references for one command: the same reference twice costs one store call, and different
 * ones run in parallel. Values live in this object's memory for the life of the command, no longer;
 * a failure is not kept, so a later use in a long-running process asks the store again.
 */
export class StoreSession {
  private readonly values = new Map<string, Promise<string>>();
  /** How many store calls were started (for tests of the once-per-reference rule). */
  calls = 0;
  private readonly context: { env: Env; timeoutMs?: number };

  constructor(env: Env, timeoutMs?: number) {
    this.context = { env, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
  }

  resolve(ref: SecretReference): Promise<string> {
    const known = this.values.get(ref.text);
    if (known) return known;
    this.calls += 1;
    const pending = (async () => {
      const ctx: StoreContext = { env: this.context.env, timeoutMs: this.context.timeoutMs ?? storeTimeoutMs(this.context.env) };
      return (await resolverFor(ref.scheme)).resolve(ref, ctx);
    })();
    this.values.set(ref.text, pending);
    pending.catch(() => this.values.delete(ref.text));
    return pending;
  }
}
