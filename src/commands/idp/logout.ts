import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { idpConfigOf } from '../../cli/idp.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { IdpSessionStore } from '../../core/idp/session.js';

export interface IdpLogoutResult {
  idp: string;
  /** False when there was no sign-in to forget. */
  signedOut: boolean;
}

/** Forgets the sign-in; grants it issued keep working until they expire, then need `idp login` again. */
export async function logoutIdp(name: string, sessions: IdpSessionStore): Promise<IdpLogoutResult> {
  return { idp: name, signedOut: await sessions.delete(name) };
}

export function printLogoutIdp(result: IdpLogoutResult, printer: Printer): void {
  if (result.signedOut) printer.success(`Signed out of ${result.idp}`);
  else printer.note(`Not signed in to ${result.idp}; nothing to do.`);
}

export function registerLogout(parent: Command, runtime: Runtime): void {
  parent
    .command('logout')
    .description('forget the sign-in to an identity provider (its ID and refresh tokens)')
    .argument('<name>', 'the identity provider')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey idp logout corp'))
    .action(
      action<{ json?: boolean }>(runtime, async (ctx, [name], options) => {
        await idpConfigOf(ctx, name!);
        const { IdpSessionStore } = await import('../../core/idp/session.js');
        const result = await logoutIdp(name!, new IdpSessionStore(ctx.keychain));
        if (options.json) ctx.printer.json(result);
        else printLogoutIdp(result, ctx.printer);
      }),
    );
}
