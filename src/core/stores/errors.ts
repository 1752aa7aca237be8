import { CliError, ExitCode, UsageError } from '../errors.js';
import { untrusted } from '../text.js';
import type { SecretReference } from './reference.js';

/** Why a reference could not be resolved; each is one error code (docs/json.md). */
export type StoreFailure = 'cli_missing' | 'not_signed_in' | 'not_found' | 'permission_denied' | 'timeout' | 'failed';

const EXIT: Record<StoreFailure, number> = {
  cli_missing: ExitCode.notReady,
  not_signed_in: ExitCode.notReady,
  not_found: ExitCode.notFound,
  permission_denied: ExitCode.notReady,
  timeout: ExitCode.notReady,
  failed: ExitCode.notReady,
};

const CODE: Record<StoreFailure, string> = {
  cli_missing: 'store_cli_missing',
  not_signed_in: 'store_not_signed_in',
  not_found: 'store_item_not_found',
  permission_denied: 'store_permission_denied',
  timeout: 'store_timeout',
  failed: 'store_failed',
};

export class StoreError extends CliError {
  constructor(
    readonly failure: StoreFailure,
    ref: SecretReference,
    detail: string,
    hint: string,
  ) {
    // The reference names where the value lives; it is not secret. The value itself is never known here.
    super(`cannot resolve ${untrusted(ref.text)}: ${detail}`, { code: CODE[failure], exitCode: EXIT[failure], hint });
    this.name = 'StoreError';
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

export function invalidReference(ref: SecretReference, expected: string): UsageError {
  return new UsageError(`${untrusted(ref.text)} is not a valid ${ref.scheme}:// reference`, `write it as ${expected}`, 'invalid_reference');
}

/** The first line of a store's complaint, short and printable, for failures no pattern recognises. */
export function firstLine(text: string): string {
  return untrusted(text.split(/\r?\n/).map((item) => item.trim()).find((item) => item !== '') ?? '', 200);
}
