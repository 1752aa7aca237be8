import descriptors from './terminal.cjs';
import type { Readable } from 'node:stream';
import type { Env } from '../core/config/paths.js';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything a command touches of the outside world; tests pass their own. */
export interface Runtime {
  argv: string[];
  env: Env;
  cwd: string;
  stdin: Readable & { isTTY?: boolean };
  stdout: OutputStream;
  stderr: OutputStream;
  /**
   * Where a command's printed result goes, when not stdout itself: bin/ gives one that writes to the
   * descriptor directly when it is no terminal (stdout's stream costs a tenth of a node start to make).
   */
  printTo?: OutputStream;
  /** Whether stdin and stderr are terminals, answered without making their streams where that can be told (isTerminal). */
  terminal?: { readonly stdin: boolean; readonly stderr: boolean };
  /** Set by a command whose exit code is not its own (`mcpkey run` passes on the server's). */
  exitCode?: number;
}

/** Whether a descriptor is a terminal; node's stream for it is made only if it may be one (terminal.cts). */
function maybeTerminal(fd: number, stream: () => { isTTY?: boolean }): boolean {
  // Where fstat cannot tell (no usable descriptor), the stream says.
  return descriptors.mayBeTerminal(fd) !== false && stream().isTTY === true;
}

export function nodeRuntime(printTo?: OutputStream): Runtime {
  return {
    ...(printTo ? { printTo } : {}),
    terminal: {
      get stdin() {
        return maybeTerminal(0, () => process.stdin);
      },
      get stderr() {
        return maybeTerminal(2, () => process.stderr);
      },
    },
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    // Node makes each standard stream on first use, loading stream code for it (stdin: a tenth of a
    // node start); most commands never read stdin, many never write stderr.
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or --no-color is given. */
export function useColor(runtime: Runtime, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (runtime.env.NO_COLOR !== undefined && runtime.env.NO_COLOR !== '') return false;
  if (runtime.env.FORCE_COLOR !== undefined && runtime.env.FORCE_COLOR !== '0') return true;
  return (runtime.printTo ?? runtime.stdout).isTTY === true && runtime.env.TERM !== 'dumb';
}

/** Whether stdin or stderr is a terminal. */
export function isTerminal(runtime: Runtime, name: 'stdin' | 'stderr'): boolean {
  return runtime.terminal ? runtime.terminal[name] : runtime[name].isTTY === true;
}

/** Prompts read stdin and draw on stderr; both must be a terminal, and CI never is one. */
export function isInteractive(runtime: Runtime): boolean {
  return isTerminal(runtime, 'stdin') && isTerminal(runtime, 'stderr') && runtime.env.CI !== 'true';
}

/** Reads all of a piped stdin. */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A piped stdin's bytes, at most `limit` of them: `undefined` as soon as there are more, without
 * reading on (`secret set < /dev/zero` stops at once).
 */
export async function readPiped(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}
