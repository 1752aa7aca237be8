import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { OAuthState } from '../../core/auth/classify.js';
import type { IdpConfig } from '../../core/idp/config.js';
import type { IdpSession, IdpSessionStore } from '../../core/idp/session.js';
import { printable } from '../../core/names.js';
import type { OAuthStore, StoredGrant } from '../../core/oauth/store.js';
import { isKeychainError } from '../../core/secrets/keychain-errors.js';

export interface IdpListItem {
  name: string;
  issuer: string;
  clientId: string;
  clientAuth: string;
  /** The sign-in, in the OAuth status vocabulary; `unknown` when the keychain could not be read. */
  session: { status: OAuthState | 'unknown'; subject?: string; expiresAt?: string };
  /** Servers whose grants this provider issues. */
  servers: string[];
}

export interface IdpList {
  idps: IdpListItem[];
  warnings: string[];
}

function sessionStatus(session: IdpSession | undefined, now: number): IdpListItem['session'] {
  if (!session) return { status: 'not-authorized' };
  const expired = session.idTokenExpiresAt !== undefined && Date.parse(session.idTokenExpiresAt) <= now;
  return {
    status: !expired ? 'authorized' : session.refreshToken ? 'expired-refreshable' : 'expired',
    ...(session.subject ? { subject: session.subject } : {}),
    ...(session.idTokenExpiresAt ? { expiresAt: session.idTokenExpiresAt } : {}),
  };
}

export async function listIdps(deps: { idps: Record<string, IdpConfig>; sessions: IdpSessionStore; grants: OAuthStore; now?: () => number }): Promise<IdpList> {
  const now = (deps.now ?? Date.now)();
  const warnings: string[] = [];
  const names = Object.keys(deps.idps).sort();
  let bound: StoredGrant[] = [];
  const sessions = new Map<string, IdpSession | undefined>();
  try {
    bound = names.length > 0 ? await deps.grants.grants() : [];
    for (const name of names) sessions.set(name, await deps.sessions.get(name));
  } catch (error) {
    if (!isKeychainError(error)) throw error;
    warnings.push(`${error.message}; the sign-ins could not be read, so every status is unknown`);
  }
  const idps = names.map((name): IdpListItem => {
    const config = deps.idps[name]!;
    return {
      name,
      issuer: config.issuer,
      clientId: config.clientId,
      clientAuth: config.clientAuth,
      session: warnings.length > 0 ? { status: 'unknown' } : sessionStatus(sessions.get(name), now),
      servers: bound.filter((grant) => grant.grant === 'enterprise' && grant.settings?.idp === name).map((grant) => grant.server).sort(),
    };
  });
  return { idps, warnings };
}

export function printIdps(result: IdpList, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  if (result.idps.length === 0) {
    printer.note('No identity providers. Add one: mcpkey idp add NAME --issuer URL --client-id ID');
    return;
  }
  const { style } = printer;
  printer.table(
    ['name', 'session', 'subject', 'issuer', 'servers'],
    result.idps.map((item) => [
      item.name,
      item.session.status === 'authorized' ? style.green(item.session.status) : item.session.status === 'not-authorized' ? style.dim(item.session.status) : style.yellow(item.session.status),
      printable(item.session.subject ?? '', 60),
      printable(item.issuer, 80),
      item.servers.join(' '),
    ]),
  );
}

export function registerLs(parent: Command, runtime: Runtime): void {
  parent
    .command('ls')
    .alias('list')
    .description('list identity providers, their sign-in and the servers they authorize')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey idp ls', 'mcpkey idp ls --json'))
    .action(
      action<{ json?: boolean }>(runtime, async (ctx, _args, options) => {
        const { IdpSessionStore } = await import('../../core/idp/session.js');
        const result = await listIdps({ idps: (await ctx.config()).idps ?? {}, sessions: new IdpSessionStore(ctx.keychain), grants: ctx.grants });
        if (options.json) ctx.printer.json(result);
        else printIdps(result, ctx.printer);
      }),
    );
}
