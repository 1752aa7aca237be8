import { CliError, ExitCode, UsageError } from '../errors.js';
import { untrusted } from '../text.js';
import type { SecretReference } from './reference.js';

/** Why a reference could not be resolved, beyond "no such item" (exit 3, below): each one error code in docs/json.md. */
export type StoreCode = 'store_cli_missing' | 'store_not_signed_in' | 'store_permission_denied' | 'store_timeout' | 'store_failed';

// The reference names where the value lives; it is not secret. The value itself is never known here.
const message = (ref: SecretReference, detail: string) => `cannot resolve ${untrusted(ref.text)}: ${detail}`;

/** The store is there but cannot give the value now: not installed, not signed in, refused, slow. */
export class StoreError extends CliError {
  constructor(code: StoreCode, ref: SecretReference, detail: string, hint: string) {
    super(message(ref, detail), { code, exitCode: ExitCode.notReady, hint });
    this.name = 'StoreError';
  }
}

/** The store answered: no such item, field or version. */
export class StoreItemNotFoundError extends CliError {
  constructor(ref: SecretReference, detail: string, hint: string) {
    super(message(ref, detail), { code: 'store_item_not_found', exitCode: ExitCode.notFound, hint });
    this.name = 'StoreItemNotFoundError';
  }
}

export function isStoreError(error: unknown): error is StoreError | StoreItemNotFoundError {
  return error instanceof StoreError || error instanceof StoreItemNotFoundError;
}

export function invalidReference(ref: SecretReference, expected: string): UsageError {
  return new UsageError(`${untrusted(ref.text)} is not a valid ${ref.scheme}:// reference`, `write it as ${expected}`, 'invalid_reference');
}

/** The first line of a store's complaint, short and printable, for failures no pattern recognises. */
export function firstLine(text: string): string {
  return untrusted(text.split(/\r?\n/).map((item) => item.trim()).find((item) => item !== '') ?? '', 200);
}
