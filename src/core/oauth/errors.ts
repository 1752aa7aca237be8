import { CliError, ExitCode, NotReadyError } from '../errors.js';

/** The authorization server, the MCP server or a check on what they said stopped the flow. */
export class OAuthError extends CliError {
  constructor(message: string, hint: string, code = 'oauth_failed') {
    super(message, { code, exitCode: ExitCode.oauth, hint });
  }
}

/**
 * An authorization server's own error code (RFC 6749: `invalid_grant`, `access_denied`, …) kept as the
 * error's code when it has the shape of mcpkey's codes (snake_case, short); anything else the server
 * put there becomes the fallback, so `--json` errors keep one code vocabulary.
 */
export function serverErrorCode(code: string, fallback: string): string {
  return /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/.test(code) && code.length <= 64 ? code : fallback;
}

export function notAuthorized(server: string, detail = `${server} is not authorized`): NotReadyError {
  return new NotReadyError(detail, [`mcpkey oauth authorize ${server}`], `run \`mcpkey oauth authorize ${server}\``, 'not_authorized');
}
