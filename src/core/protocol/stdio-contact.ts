import { constants as osConstants } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { CliError, ExitCode } from '../errors.js';
import { printable } from '../names.js';
import { decodePlainResult } from './fast-decode.js';
import { firstLine, ownError } from './failures.js';
import { LineBuffer } from './line-buffer.js';
import type { MessageGuard } from './message-limit.js';

type StdioTarget = { command: string; args: string[]; env: Record<string, string>; cwd: string; stderr: 'inherit' | 'ignore' | 'tail' };

/** What a stdio server did before it answered (or instead): for the message should it not. */
export interface StdioContact {
  /** It sent an MCP message: from then on, requests have the normal timeout. */
  heard: boolean;
  /** Lines on stdout that were not MCP messages (skipped), the first few. */
  notMcp: string[];
  heardOnStderr(chunk: Buffer): void;
  /** Its last lines on stderr, the secrets it was given replaced by [secret]. */
  stderrTail(): string[];
  exitCode: () => number | null;
}

const TAIL_BYTES = 4096;
const TAIL_LINES = 5;

export function stdioContact(redact: readonly string[]): StdioContact {
  let tail = '';
  let cut = false;
  // Short values would blank out ordinary words; a secret is longer than this.
  const secrets = redact.filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
  return {
    heard: false,
    notMcp: [],
    heardOnStderr(chunk) {
      tail += chunk.toString('utf8');
      if (tail.length > TAIL_BYTES) {
        tail = tail.slice(-TAIL_BYTES);
        cut = true;
      }
    },
    stderrTail() {
      let lines = tail.split(/\r?\n/);
      // A line cut by the window could hold the end of a secret without its start: never shown.
      if (cut) lines = lines.slice(1);
      return lines
        .map((line) => secrets.reduce((text, secret) => text.split(secret).join('[secret]'), line).trim())
        .filter(Boolean)
        .slice(-TAIL_LINES);
    },
    exitCode: () => null,
  };
}

/** Its last stderr lines in one line, escaped and clipped. */
function tailText(contact: StdioContact): string {
  const lines = contact.stderrTail();
  return lines.length ? `; its stderr ended: ${lines.map((line) => printable(line, 200)).join(' | ')}` : '';
}

/**
 * A local server that never got as far as answering: it wrote something other than MCP to stdout,
 * exited, or stayed silent. Says so with what it wrote (stdout's offending line; stderr's last lines
 * when they were kept); undefined when it had answered or the error is another kind.
 */
export async function localFailure(error: unknown, server: string, contact: StdioContact): Promise<CliError | undefined> {
  if (ownError(error) || contact.heard) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT' && /^spawn /.test(String((error as { syscall?: unknown }).syscall))) {
    const command = printable(String((error as { path?: unknown }).path ?? 'its command'), 200);
    return new CliError(`cannot start ${server}: ${command}: command not found`, { code: 'command_not_found', exitCode: ExitCode.serverFailed, hint: `install ${command}, or check the entry with \`mcpkey run ${server} --dry-run\`` });
  }
  const closed = /connection closed/i.test(firstLine(error));
  if (code !== 'REQUEST_TIMEOUT' && !closed && code !== 'ERA_NEGOTIATION_FAILED') return undefined;
  // The process's exit and its last stderr may trail the closed pipe by a moment.
  for (let waited = 0; closed && contact.exitCode() === null && waited < 500; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  const hint = "rerun with --verbose to see the server's own messages";
  if (contact.notMcp.length > 0) {
    return new CliError(`${server} wrote something that is not MCP to stdout: \`${printable(contact.notMcp[0]!, 120)}\`${tailText(contact)}`, {
      code: 'not_mcp',
      exitCode: ExitCode.serverFailed,
      hint: 'an MCP stdio server speaks JSON-RPC on stdout and logs to stderr; check its command with `mcpkey run ' + server + ' --dry-run`',
    });
  }
  const exit = contact.exitCode();
  if (closed || exit !== null) {
    return new CliError(`${server} exited before answering${exit !== null ? ` (exit code ${exit})` : ''}${tailText(contact)}`, { code: 'server_exited', exitCode: ExitCode.serverFailed, hint });
  }
  if (code === 'REQUEST_TIMEOUT') {
    return new CliError(`${server} did not answer in time${tailText(contact)}`, { code: 'timeout', exitCode: ExitCode.serverFailed, hint });
  }
  return undefined;
}

/**
 * The stdio transport, watched: lines on stdout that are not MCP are remembered (and, once the
 * server has plainly started, it gets the normal timeout to speak MCP), stderr's tail is kept when
 * asked, and the exit status is caught.
 */
export async function createStdioTransport(target: StdioTarget, guard: MessageGuard, contact: StdioContact, timeoutMs: number) {
  let notMcpTimer: NodeJS.Timeout | undefined;
  const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
  const stderr = target.stderr === 'tail' ? 'pipe' : target.stderr;
  const transport = new StdioClientTransport({ command: target.command, args: target.args, env: target.env, cwd: target.cwd, stderr, maxBufferSize: guard.limit });
  // The SDK's buffer is quadratic in a long line; the same interface, linear (line-buffer.ts).
  if ('_readBuffer' in transport) {
    const { deserializeMessage } = await import('@modelcontextprotocol/client');
    const parse = (line: string) => {
      try {
        return decodePlainResult(line) ?? deserializeMessage(line);
      } catch {
        // Skipped, as the SDK does; remembered, to be named if the server never answers.
        if (line.trim() && contact.notMcp.length < 3) contact.notMcp.push(line);
        // It has started (it writes), so the startup allowance is over: the normal timeout, then give up.
        if (line.trim() && !contact.heard && !notMcpTimer) {
          notMcpTimer = setTimeout(() => void (contact.heard ? undefined : transport.close().catch(() => undefined)), timeoutMs);
          notMcpTimer.unref();
        }
        throw new SyntaxError('not an MCP message');
      }
    };
    (transport as unknown as { _readBuffer: LineBuffer })._readBuffer = new LineBuffer(guard.limit, parse);
  }
  if (target.stderr === 'tail') transport.stderr?.on('data', (chunk: Buffer) => contact.heardOnStderr(chunk));
  // The SDK forgets its child once the pipe closes: its exit status is caught as it happens.
  let exited: number | null = null;
  const start = transport.start.bind(transport);
  transport.start = async () => {
    await start();
    (transport as unknown as { _process?: ChildProcess })._process?.once('exit', (code, signal) => {
      exited = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
    });
  };
  contact.exitCode = () => exited;
  guard.watch(transport);
  guard.close = () => void transport.close().catch(() => undefined);
  return transport;
}
