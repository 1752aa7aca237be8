import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { idpClientOf, idpConfigOf } from '../../cli/idp.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { IdpClient } from '../../core/idp/login.js';
import type { IdpSessionStore } from '../../core/idp/session.js';

export interface IdpLogoutResult {
  idp: string;
  /** False when there was no sign-in to forget. */
  signedOut: boolean;
  /** What the provider said to revoking the refresh token (RFC 7009), when there was one. */
  refreshToken?: 'revoked' | 'failed' | 'unsupported';
  warnings: string[];
}

/**
 * Revokes the refresh token at the provider (best effort), then forgets the sign-in whatever it said.
 * Grants it issued keep working until they expire, then need `idp login` again.
 */
export async function logoutIdp(name: string, deps: { sessions: IdpSessionStore; client(): Promise<IdpClient> }): Promise<IdpLogoutResult> {
  const session = await deps.sessions.get(name);
  const result: IdpLogoutResult = { idp: name, signedOut: false, warnings: [] };
  if (session?.refreshToken) {
    const { revokeSession } = await import('../../core/idp/login.js');
    const revoked = await deps.client().then(
      (client) => revokeSession(client, session),
      (error: Error) => ({ refreshToken: 'failed' as const, error: error.message }),
    );
    result.refreshToken = revoked.refreshToken;
    if (revoked.error) result.warnings.push(`${name} did not confirm the revocation (${revoked.error}); the sign-in is forgotten here all the same`);
  }
  result.signedOut = await deps.sessions.delete(name);
  return result;
}

export function printLogoutIdp(result: IdpLogoutResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  if (result.signedOut) printer.success(`Signed out of ${result.idp}${result.refreshToken === 'revoked' ? ' (refresh token revoked)' : ''}`);
  else printer.note(`Not signed in to ${result.idp}; nothing to do.`);
}

export function registerLogout(parent: Command, runtime: Runtime): void {
  parent
    .command('logout')
    .description('sign out of an identity provider: revoke its refresh token and forget the sign-in')
    .argument('<name>', 'the identity provider')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey idp logout corp'))
    .action(
      action<{ json?: boolean }>(runtime, async (ctx, [name], options) => {
        await idpConfigOf(ctx, name!);
        const { IdpSessionStore } = await import('../../core/idp/session.js');
        const result = await logoutIdp(name!, { sessions: new IdpSessionStore(ctx.keychain), client: () => idpClientOf(ctx, name!) });
        if (options.json) ctx.printer.json(result);
        else printLogoutIdp(result, ctx.printer);
      }),
    );
}
