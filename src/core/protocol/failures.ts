import { CliError, ExitCode } from '../errors.js';
import { notAuthorized } from '../oauth/errors.js';

/** The first line of an error's message, without whatever a server may have put after it. */
function firstLine(error: unknown): string {
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

/** One line that says what went wrong with a server and what to do next. */
export function connectionFailure(error: unknown, server: string, local: boolean): CliError {
  const own = ownError(error);
  if (own) return own;
  const code = (error as { code?: unknown }).code;
  if (code === 'CLIENT_HTTP_AUTHENTICATION') return notAuthorized(server, `${server} refused the credentials (HTTP 401)`);
  if (code === 'CLIENT_HTTP_FORBIDDEN') {
    return new CliError(`${server} refused the request (HTTP 403)`, { code: 'forbidden', exitCode: ExitCode.oauth, hint: `the account may lack a permission; try \`mcpkey oauth authorize ${server}\`` });
  }
  if (code === 'REQUEST_TIMEOUT') {
    return new CliError(`${server} did not answer in time`, { code: 'timeout', exitCode: ExitCode.serverFailed, hint: local ? 'rerun with --verbose to see what the server says' : 'check the URL and your network connection' });
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
