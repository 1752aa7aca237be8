import { NotReadyError } from '../errors.js';

/** RFC 6749 scope tokens without the characters a shell expands inside double quotes. */
const PLAIN_SCOPE = /^[\x21\x23\x25-\x5B\x5D-\x5F\x61-\x7E]+( [\x21\x23\x25-\x5B\x5D-\x5F\x61-\x7E]+)*$/;

/** The scope as one shell word: double-quoted when plain, else single-quoted (a server chose the text). */
export function scopeArgument(scope: string): string {
  if (PLAIN_SCOPE.test(scope)) return `"${scope}"`;
  const clean = scope.replace(/[\x00-\x1f\x7f]/g, ' ');
  return `'${clean.replace(/'/g, `'\\''`)}'`;
}

/**
 * A step-up (403 insufficient_scope, or a move to another authorization server) where nobody can finish
 * a browser flow: no terminal and no `--authorize`, or the `run` bridge. Fails at once with the command.
 */
export function authorizationNeeded(server: string, scope: string, reason: 'scope' | 'issuer' = 'scope'): NotReadyError {
  const command = scope.trim() ? `mcpkey oauth authorize ${server} --scope ${scopeArgument(scope.trim())}` : `mcpkey oauth authorize ${server}`;
  return new NotReadyError(
    reason === 'scope' ? `${server} needs more permission than its grant has` : `${server} moved to another authorization server and needs a new authorization`,
    [command],
    `run \`${command}\` (or rerun on a terminal, or with --authorize)`,
    'insufficient_scope',
  );
}
