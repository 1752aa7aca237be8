import { CliError, ExitCode, NotReadyError } from '../errors.js';

/** The authorization server, the MCP server or a check on what they said stopped the flow. */
export class OAuthError extends CliError {
  constructor(message: string, hint: string, code = 'oauth_failed') {
    super(message, { code, exitCode: ExitCode.oauth, hint });
  }
}

export function notAuthorized(server: string, detail = `${server} is not authorized`): NotReadyError {
  return new NotReadyError(detail, [`mcpkey oauth authorize ${server}`], `run \`mcpkey oauth authorize ${server}\``, 'not_authorized');
}
