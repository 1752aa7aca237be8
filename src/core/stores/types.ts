import type { Env } from '../config/paths.js';
import type { SecretReference } from './reference.js';

/** What a resolver may use: the process environment (PATH, HOME, the store's own variables) and a time limit. */
export interface StoreContext {
  env: Env;
  /** How long one store call may take before it is abandoned. */
  timeoutMs: number;
}

/**
 * One secret store behind its own interface (a CLI, or Vault's HTTP API). `resolve` returns the value
 * to memory only: never written anywhere, never put on a child's command line, never in an error.
 */
export interface StoreResolver {
  readonly scheme: SecretReference['scheme'];
  /** Throws a usage error when the reference does not have this store's shape (checked before any call). */
  check(ref: SecretReference): void;
  resolve(ref: SecretReference, ctx: StoreContext): Promise<string>;
}
