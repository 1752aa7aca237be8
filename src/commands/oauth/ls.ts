import type { Command } from 'commander';
import { action, examples, type Handler } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { usesOAuth, type OAuthState } from '../../core/auth/classify.js';
import type { GrantKind, ResolvedEntry } from '../../core/catalog/types.js';
import { grantKind, type OAuthStore, type StoredGrant } from '../../core/oauth/store.js';
import { printable } from '../../core/names.js';
import { isKeychainError } from '../../core/secrets/keychain-errors.js';

export interface OAuthListItem {
  name: string;
  /** `unknown`: the keychain, where grants live, could not be read (see `warnings`). */
  status: OAuthState | 'unknown';
  /** How the grant was (or, without one, will be) obtained: the stored grant's kind, else the entry's. */
  grant: GrantKind;
  issuer?: string;
  /** ISO 8601. */
  expiresAt?: string;
  /** Seconds from now; negative once expired. */
  expiresIn?: number;
  scopes: string[];
  client?: string;
  /** `DPoP` for a token bound to a key (RFC 9449), which only mcpkey itself can present; else `Bearer`. */
  tokenType?: 'Bearer' | 'DPoP';
}

export interface OAuthList {
  servers: OAuthListItem[];
  warnings: string[];
}

/**
 * Like every listing, it shows what it can: without a keychain the OAuth servers are still listed,
 * with status `unknown` and a warning, and the command succeeds.
 */
export async function listGrants(deps: { catalog: readonly ResolvedEntry[]; store: OAuthStore; now?: () => number }): Promise<OAuthList> {
  const now = deps.now ?? Date.now;
  let grants: StoredGrant[] = [];
  const warnings: string[] = [];
  try {
    grants = await deps.store.grants();
  } catch (error) {
    if (!isKeychainError(error)) throw error;
    warnings.push(`${error.message}; the grants could not be read, so every status is unknown`);
  }
  const names = new Set([...deps.catalog.filter(usesOAuth).map((entry) => entry.name), ...grants.map((grant) => grant.server)]);
  const configured = (name: string): GrantKind => {
    const oauth = deps.catalog.find((entry) => entry.name === name)?.oauth;
    return (oauth && oauth.grant) || 'authorization-code';
  };
  const servers = [...names].sort().map((name): OAuthListItem => {
    if (warnings.length > 0) return { name, status: 'unknown', grant: configured(name), scopes: [] };
    const grant = grants.find((candidate) => candidate.server === name);
    const status = deps.store.describe(grant);
    return {
      name,
      status: status.status,
      grant: grant ? grantKind(grant) : configured(name),
      ...(status.issuer ? { issuer: status.issuer } : {}),
      ...(status.expiresAt ? { expiresAt: status.expiresAt, expiresIn: Math.round((Date.parse(status.expiresAt) - now()) / 1000) } : {}),
      scopes: status.scopes ?? [],
      ...(grant ? { client: grant.client, tokenType: grant.dpop ? ('DPoP' as const) : ('Bearer' as const) } : {}),
    };
  });
  return { servers, warnings };
}

function relative(seconds: number): string {
  const abs = Math.abs(seconds);
  const text = abs < 90 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : abs < 172800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} d`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

export function printGrants(result: OAuthList, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  const { style } = printer;
  const colour = (status: OAuthListItem['status']) =>
    status === 'authorized' ? style.green(status) : status === 'not-authorized' ? style.dim(status) : style.yellow(status);
  printer.table(
    ['name', 'status', 'grant', 'token', 'expires', 'issuer', 'scopes'],
    result.servers.map((item) => [
      item.name,
      colour(item.status),
      item.grant,
      item.tokenType ?? '',
      item.expiresIn !== undefined ? relative(item.expiresIn) : '',
      // What an authorization server granted is its text, not ours: clipped so one long value cannot bury the table.
      printable(item.issuer ?? '', 80),
      printable(item.scopes.join(' '), 120),
    ]),
  );
}

/** What `oauth ls` does; commander calls it, and so does the direct path (direct.ts). */
export const lsAction: Handler<{ json?: boolean }> = async (ctx, _args, options) => {
  const result = await listGrants({ catalog: await ctx.catalog(), store: ctx.grants });
  if (options.json) ctx.printer.json(result);
  else printGrants(result, ctx.printer);
};

export function registerLs(parent: Command, runtime: Runtime): void {
  parent
    .command('ls')
    .alias('list')
    .description('list OAuth servers and their grants: status, grant kind, token type (Bearer or DPoP), expiry, issuer, scopes')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey oauth ls', 'mcpkey oauth ls --json'))
    .action(action(runtime, lsAction));
}
