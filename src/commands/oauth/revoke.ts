import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { NotFoundError } from '../../core/errors.js';
import { assertServerName } from '../../core/names.js';
import { OAuthError } from '../../core/oauth/errors.js';
import type { RevokeResult } from '../../core/oauth/tokens.js';

export function printRevoke(result: RevokeResult, printer: Printer): void {
  const said = (what: string, outcome: RevokeResult['accessToken']) =>
    outcome === 'revoked' ? `${what} revoked` : outcome === 'failed' ? `${what} NOT revoked` : `${what} not revocable (no revocation endpoint)`;
  const parts = [result.refreshToken ? said('refresh token', result.refreshToken) : undefined, said('access token', result.accessToken)].filter(Boolean);
  const failed = result.refreshToken === 'failed' || result.accessToken === 'failed';
  // Whether the server agreed matters to a security-minded user: said on stderr always, not only on a terminal.
  printer.note(`${result.server}: ${parts.join(', ')} at the server; the local grant is deleted${failed && result.error ? ` (${result.error})` : ''}`);
  if (result.forgotClient) printer.note(`${result.server}: the dynamic client registration is forgotten`);
  const sharers = result.clientSharedWith ?? [];
  if (sharers.length > 0) printer.note(`${result.server}: the client registration is kept: ${sharers.join(', ')} still use${sharers.length === 1 ? 's' : ''} it`);
}

export function registerRevoke(parent: Command, runtime: Runtime): void {
  parent
    .command('revoke')
    .description('revoke the grant at the authorization server (RFC 7009) and delete it locally')
    .addArgument(serverArgument())
    .option('--forget-client', 'also forget the dynamic client registration')
    .addHelpText('after', examples('mcpkey oauth revoke linear', 'mcpkey oauth revoke linear --forget-client'))
    .action(
      action<{ forgetClient?: boolean }>(runtime, async (ctx, [name], options) => {
        const [{ revokeGrant }, { tokenDeps }] = await Promise.all([import('../../core/oauth/tokens.js'), import('../../cli/machine-grant.js')]);
        const result = await revokeGrant(assertServerName(name!), options, tokenDeps(ctx));
        if (!result.hadGrant && !result.forgotClient) {
          throw new NotFoundError(`${name} has no OAuth grant`, 'see `mcpkey oauth ls`', 'grant_not_found');
        }
        printRevoke(result, ctx.printer);
        if (result.refreshToken === 'failed' || result.accessToken === 'failed') {
          throw new OAuthError(`the authorization server did not confirm the revocation of ${name}`, 'the tokens may stay valid until they expire; revoke the app in the provider’s settings', 'revocation_failed');
        }
      }),
    );
}
