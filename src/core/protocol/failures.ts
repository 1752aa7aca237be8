import { CliError, ExitCode } from '../errors.js';
import { printable } from '../names.js';
import { notAuthorized } from '../oauth/errors.js';

/** The first line of an error's message, without whatever a server may have put after it. */
export function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 300);
}

/** A CliError raised inside our fetch (OAuth, lock, keychain) and wrapped by the SDK keeps its identity. */
export function ownError(error: unknown): CliError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof CliError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Did the server reject the era we assumed (a stale cached verdict, or a pinned revision it lacks)? */
export function isEraRejection(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERA_NEGOTIATION_FAILED' || code === 'METHOD_NOT_SUPPORTED_BY_PROTOCOL_VERSION' || code === -32022) return true;
  const status = (error as { status?: unknown; data?: { status?: unknown } }).status ?? (error as { data?: { status?: unknown } }).data?.status;
  return status === 400 && /protocol version|unsupported/i.test(firstLine(error));
}

/** What each network error code means, for the hint. */
const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there: check the URL and that the server is running',
  ENOTFOUND: 'the host name does not resolve: check the URL and your DNS or network connection',
  EAI_AGAIN: 'the host name could not be resolved right now: check your network connection',
  ETIMEDOUT: 'the connection timed out: check your network connection, proxy or firewall',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out: check your network connection, proxy or firewall',
  ECONNRESET: 'the connection was reset: check your network connection, proxy or firewall',
  EHOSTUNREACH: 'the host is unreachable: check your network connection',
  ENETUNREACH: 'the network is unreachable: check your network connection',
};

/**
 * The system's reason a request never reached the server (`ECONNREFUSED`, `ENOTFOUND`, a TLS code…),
 * found below undici's "fetch failed", however deep the SDK wrapped it; undefined for any other error.
 */
export function networkCause(error: unknown): string | undefined {
  let fetchFailed = false;
  /** Below "fetch failed" without a code (undici's "bad port"): its words, short. */
  let words: string | undefined;
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const { code, message, cause, errors } = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof message === 'string' && /fetch failed/i.test(message)) fetchFailed = true;
    else if (fetchFailed && typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    else if (fetchFailed && typeof message === 'string' && message.trim() && !/^\w*Error$/.test(message)) words ??= message.split('\n')[0]!.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
    if (cause !== undefined) queue.push(cause);
    // Node's happy eyeballs: one error per address tried, all of the same kind.
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return fetchFailed ? (words ?? 'network error') : undefined;
}

/** `cannot reach HOST (CODE)`, once, when the request never got there. */
export function networkFailure(error: unknown, host: string): CliError | undefined {
  const cause = networkCause(error);
  if (!cause) return undefined;
  return new CliError(`cannot reach ${host} (${cause})`, {
    code: 'unreachable',
    exitCode: ExitCode.serverFailed,
    hint: NETWORK_HINTS[cause] ?? (/CERT|TLS|SSL|SIGNATURE|ISSUER/.test(cause) ? "the server's TLS certificate was not accepted: check the URL and the system's certificates" : 'check the URL and your network connection'),
  });
}

/** One line that says what went wrong with a server and what to do next (`host`: a remote server's). */
export function connectionFailure(error: unknown, server: string, local: boolean, host?: string): CliError {
  const own = ownError(error);
  if (own) return own;
  const network = host === undefined ? undefined : networkFailure(error, host);
  if (network) return network;
  const code = (error as { code?: unknown }).code;
  if (code === 'CLIENT_HTTP_AUTHENTICATION') return notAuthorized(server, `${server} refused the credentials (HTTP 401)`);
  if (code === 'CLIENT_HTTP_FORBIDDEN') {
    return new CliError(`${server} refused the request (HTTP 403)`, { code: 'forbidden', exitCode: ExitCode.oauth, hint: `the account may lack a permission; try \`mcpkey oauth authorize ${server}\`` });
  }
  if (code === 'REQUEST_TIMEOUT') {
    return new CliError(`${server} did not answer in time`, { code: 'timeout', exitCode: ExitCode.serverFailed, hint: local ? 'rerun with --verbose to see what the server says' : 'check the URL and your network connection' });
  }
  if (code === 'INVALID_RESULT') {
    // The SDK's message goes on with a schema validator's dump: the method is what helps.
    const method = (error as { data?: { method?: unknown } }).data?.method ?? /Invalid result for ([\w/]+)/.exec(firstLine(error))?.[1];
    return new CliError(`${server} sent a ${typeof method === 'string' ? `${printable(method, 60)} ` : ''}result mcpkey cannot read`, { code: 'invalid_result', exitCode: ExitCode.serverFailed, hint: "report it to the server's maintainers" });
  }
  if (code === 'ERA_NEGOTIATION_FAILED') {
    return new CliError(`${server} does not speak the protocol revision asked for: ${firstLine(error)}`, { code: 'protocol_mismatch', exitCode: ExitCode.serverFailed, hint: 'leave out --protocol to let mcpkey negotiate' });
  }
  // A 2026-07-28 server may answer with an HTTP status and a JSON-RPC error in the body (404 for an unknown method).
  const body = (error as { data?: { text?: unknown } }).data?.text;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
      if (typeof parsed.error?.code === 'number' && typeof parsed.error.message === 'string') {
        return connectionFailure(Object.assign(new Error(parsed.error.message), { code: parsed.error.code }), server, local);
      }
    } catch {
      // not JSON: reported as it is below
    }
  }
  if (typeof code === 'number') {
    // A JSON-RPC error from the server itself: its words, once.
    if (code === -32021) {
      return new CliError(`${server} needs an answer from you: ${firstLine(error)}`, { code: 'input_required', exitCode: ExitCode.notReady, hint: 'run it on a terminal, or answer in advance with --input NAME=JSON or --elicit accept-defaults' });
    }
    return new CliError(`${server} answered with an error: ${firstLine(error)} (${code})`, { code: 'server_error', exitCode: ExitCode.serverFailed, hint: local ? "rerun with --verbose to see the server's own messages" : "check the arguments against `mcpkey tools list " + server + '`' });
  }
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return new CliError(`cannot talk to ${server}: ${cause ? `${firstLine(error)} (${cause})` : firstLine(error)}`, {
    code: 'connect_failed',
    exitCode: ExitCode.serverFailed,
    hint: local ? "rerun with --verbose to see the server's own messages" : 'check the URL and your network connection',
  });
}

