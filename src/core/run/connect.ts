import type { ResolvedEntry } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import type { AuthorizedFetchOptions } from '../oauth/fetch.js';
import { openConnection, type ConnectionOptions, type McpConnection, type Target } from '../protocol/connection.js';
import { ExitCode } from '../errors.js';
import { launchSpec } from './launch.js';
import { assertLaunchable } from './launchable.js';
import { remoteFetch } from './remote.js';

/** A catalog entry instead of a target; everything about the session itself as in ConnectionOptions. */
export interface ConnectOptions extends Pick<ConnectionOptions, 'protocol' | 'verdicts' | 'elicitation' | 'relayElicitation' | 'timeoutMs' | 'clientVersion'> {
  entry: ResolvedEntry;
  secrets: Record<string, string>;
  env: Env;
  cwd: string;
  oauth: Omit<AuthorizedFetchOptions, 'server'>;
  /** Show the local server's stderr (it may be noisy). */
  verbose?: boolean;
  /** Keep the local server's last stderr lines (its secrets replaced) for the message should it fail to start. */
  stderrTail?: boolean;
}

/** Where an entry is reached: a local child with its secrets, or the remote with its credentials. */
export function entryTarget(options: Pick<ConnectOptions, 'entry' | 'secrets' | 'env' | 'cwd' | 'oauth' | 'verbose' | 'stderrTail'>): Target {
  const { entry } = options;
  if (entry.transport.type === 'stdio') {
    const spec = launchSpec(entry, options.secrets, options.env);
    // What the system would refuse (a NUL byte, a value over its limit) is named before the SDK tries.
    assertLaunchable(spec, spec.secretOf, ExitCode.serverFailed);
    const stderr = options.verbose ? 'inherit' : options.stderrTail ? 'tail' : 'ignore';
    return { kind: 'stdio', command: spec.command, args: spec.args, env: spec.env, cwd: options.cwd, stderr, redact: Object.values(options.secrets) };
  }
  return { kind: 'http', url: entry.transport.url, transport: entry.transport.transport, fetch: remoteFetch(entry, options.secrets, options.oauth) };
}

/** An MCP session with the entry, in the era it speaks. */
export function connectEntry(options: ConnectOptions): Promise<McpConnection> {
  return openConnection({
    server: options.entry.name,
    target: entryTarget(options),
    protocol: options.protocol,
    clientVersion: options.clientVersion,
    ...(options.verdicts ? { verdicts: options.verdicts } : {}),
    ...(options.elicitation ? { elicitation: options.elicitation } : {}),
    ...(options.relayElicitation ? { relayElicitation: options.relayElicitation } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}
