import { execFile } from 'node:child_process';
import type { SecretReference } from './reference.js';
import { decodeValue, valueProblem } from '../secrets/value.js';
import { StoreError, StoreItemNotFoundError } from './errors.js';
import type { StoreContext } from './types.js';

export interface CliResult {
  code: number;
  /** Raw bytes: the value is decoded strictly by the caller, never as a lossy string. */
  stdout: Buffer;
  stderr: string;
}

/** The store CLI a resolver calls, and what to install when it is missing. */
export interface StoreCli {
  command: string;
  /** e.g. "the 1Password CLI (op)". */
  title: string;
  install: string;
}

/** Far above any secret (64 KiB at most), far below what could hurt. */
const MAX_OUTPUT = 1024 * 1024;

/**
 * Runs a store's CLI without a shell: the reference goes in argv (it is not secret), the value only
 * ever comes back on stdout, into memory. stdin is closed so that no CLI waits for a person.
 */
export function runStoreCli(cli: StoreCli, args: string[], ref: SecretReference, ctx: StoreContext): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(ctx.env)) if (value !== undefined) env[key] = value;
    const child = execFile(
      cli.command,
      args,
      { env, encoding: 'buffer', maxBuffer: MAX_OUTPUT, timeout: ctx.timeoutMs, killSignal: 'SIGKILL', windowsHide: true },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string }) | null;
        if (failure?.code === 'ENOENT') {
          reject(new StoreError('store_cli_missing', ref, `${cli.title} is not installed (no \`${cli.command}\` on PATH)`, cli.install));
        } else if (failure?.killed || failure?.signal === 'SIGKILL') {
          reject(new StoreError('store_timeout', ref, `${cli.title} did not answer within ${Math.round(ctx.timeoutMs / 1000)} s`, `check that the store is reachable and unlocked, then try again (MCPKEY_STORE_TIMEOUT sets the limit in seconds)`));
        } else if (failure?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(new StoreError('store_failed', ref, `${cli.title} printed more than ${MAX_OUTPUT / 1024} KiB`, 'a secret is at most 64 KiB; check the reference'));
        } else if (failure?.signal) {
          reject(new StoreError('store_failed', ref, `${cli.command} was stopped by ${failure.signal}`, 'try again'));
        } else if (failure && typeof failure.code !== 'number') {
          // An errno (EACCES, …); never the error's message, which quotes the command's stderr.
          reject(new StoreError('store_failed', ref, `cannot start ${cli.command} (${typeof failure.code === 'string' ? failure.code : 'unknown error'})`, cli.install));
        } else {
          resolve({ code: typeof failure?.code === 'number' ? failure.code : 0, stdout, stderr: stderr.toString('utf8') });
        }
      },
    );
    child.stdin?.end();
  });
}

/** The value a store returned, as text that reaches a server unchanged; the refusal says why, never what. */
export function usableValue(value: string | Buffer, ref: SecretReference): string {
  const text = typeof value === 'string' ? value : decodeValue(value);
  if (text === undefined) throw new StoreError('store_failed', ref, 'the value is not valid UTF-8 text', 'store the secret as text (e.g. base64 for binary data)');
  if (text === '') throw new StoreItemNotFoundError(ref, 'the value is empty', 'put a value there, or point the reference at the field that holds it');
  const problem = valueProblem(text);
  if (problem) throw new StoreError('store_failed', ref, `the value cannot be used: ${problem}`, 'store the secret as UTF-8 text of at most 64 KiB');
  return text;
}

/** The first line (pass and gopass keep the password there, and anything else below it). */
export function firstLineOf(text: string): string {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
}
