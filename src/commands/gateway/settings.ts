import { isTerminal, type Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { UsageError } from '../../core/errors.js';
import { parseDuration } from '../../gateway/naming.js';
import type { GatewayCommandOptions } from './index.js';

export const DEFAULT_IDLE = '10m';
export const DEFAULT_TIMEOUT = '60s';

/** The options' values, checked (usage errors, exit 2). */
export function gatewayTimings(options: GatewayCommandOptions): { idleMs: number; timeoutMs: number } {
  const idleMs = parseDuration(options.idle ?? DEFAULT_IDLE);
  if (idleMs === undefined) throw new UsageError('--idle must be a duration like 30s, 10m or 1h', 'e.g. --idle 10m', 'invalid_option');
  const timeoutMs = parseDuration(options.timeout ?? DEFAULT_TIMEOUT);
  if (timeoutMs === undefined || timeoutMs > 86_400_000) throw new UsageError('--timeout must be a duration like 30s or 2m (or seconds)', 'e.g. --timeout 60s', 'invalid_option');
  return { idleMs, timeoutMs };
}

/** Started by hand at a terminal, the gateway says what it is waiting for. */
export function noteAtTerminal(runtime: Runtime, printer: Pick<Printer, 'note'>): void {
  if (isTerminal(runtime, 'stdin') && isTerminal(runtime, 'stderr')) {
    printer.note('mcpkey: the gateway waits for an MCP client on stdin (it is meant to be started by an MCP client; see mcpkey client config)');
  }
}
