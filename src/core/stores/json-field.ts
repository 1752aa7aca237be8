import { untrusted } from '../text.js';
import { StoreError, StoreItemNotFoundError } from './errors.js';
import type { SecretReference } from './reference.js';

/**
 * One field of a secret that holds a JSON object (`#key`). The field names may be shown (they are
 * not secret); a field's value never is.
 */
export function fieldOf(data: unknown, key: string, ref: SecretReference, what: string): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new StoreItemNotFoundError(ref, `${what} is not a set of key/value pairs, so it has no field ${untrusted(key, 100)}`, 'drop the #key to use the whole value');
  }
  const record = data as Record<string, unknown>;
  if (!Object.hasOwn(record, key)) {
    const names = Object.keys(record).slice(0, 20).map((name) => untrusted(name, 60));
    throw new StoreItemNotFoundError(ref, `${what} has no field ${untrusted(key, 100)}`, names.length ? `its fields are: ${names.join(', ')}` : 'it has no fields');
  }
  const value = record[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new StoreItemNotFoundError(ref, `field ${untrusted(key, 100)} of ${what} is not text`, 'point the reference at a field that holds text');
}

/** A field of a secret string that is a JSON object. */
export function jsonField(text: string, key: string, ref: SecretReference, what: string): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new StoreItemNotFoundError(ref, `${what} is not JSON, so it has no field ${untrusted(key, 100)}`, 'drop the #key to use the whole value');
  }
  return fieldOf(data, key, ref, what);
}
