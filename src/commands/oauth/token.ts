import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import { classify, requiredSecrets, usesOAuth } from '../../core/auth/classify.js';
import { findEntry } from '../../core/catalog/index.js';
import type { ResolvedEntry } from '../../core/catalog/types.js';
import { UsageError } from '../../core/errors.js';
import { assertServerName } from '../../core/names.js';

export type TokenFormat = 'token' | 'header' | 'json';

export function formatToken(accessToken: string, format: TokenFormat): string {
  if (format === 'header') return `Authorization: Bearer ${accessToken}`;
  if (format === 'json') return JSON.stringify({ Authorization: `Bearer ${accessToken}` });
  return accessToken;
}

/**
 * The entry whose token is asked for: an unknown name is exit 3 (with the name meant), an entry that
 * does not authorize with OAuth exit 2, saying what it uses instead (as `oauth authorize` does).
 */
export function tokenEntry(catalog: readonly ResolvedEntry[], name: string): ResolvedEntry {
  const entry = findEntry(catalog, assertServerName(name));
  if (usesOAuth(entry)) return entry;
  const secrets = requiredSecrets(entry);
  if (classify(entry) === 'api-key') {
    const names = secrets.map((secret) => secret.name);
    throw new UsageError(
      `${entry.name} does not use OAuth: it authorizes with ${names.length === 1 ? 'an API key' : 'API keys'} (${names.join(', ')})`,
      `print ${names.length === 1 ? 'it' : 'one'} with \`mcpkey secret get ${names[0]}\``,
      'not_oauth',
    );
  }
  throw new UsageError(`${entry.name} does not use OAuth: it needs no credentials`, `run it with \`mcpkey run ${entry.name}\``, 'not_oauth');
}

export function registerToken(parent: Command, runtime: Runtime): void {
  parent
    .command('token')
    .description('print a valid access token, refreshing it first when it expires within 60 s')
    .addArgument(serverArgument())
    .option('--header', 'print "Authorization: Bearer <token>"')
    .option('--json', 'print {"Authorization":"Bearer <token>"} (for MCP clients\' headers helpers)')
    .addHelpText(
      'after',
      `\nAn unknown server exits 3; a server that does not use OAuth exits 2; a token bound to a DPoP key exits 7 (mcpkey run and tools send it with its proofs).${examples('mcpkey oauth token linear', 'curl -H "$(mcpkey oauth token linear --header)" https://mcp.linear.app/mcp')}`,
    )
    .action(
      action<{ header?: boolean; json?: boolean }>(runtime, async (ctx, [name], options) => {
        if (options.header && options.json) throw new UsageError('--header and --json exclude each other', 'choose one', 'invalid_option');
        const [{ validGrant }, { tokenDeps, withMachineGrant }] = await Promise.all([import('../../core/oauth/tokens.js'), import('../../cli/machine-grant.js')]);
        const entry = tokenEntry(await ctx.catalog(), name!);
        const grant = await validGrant(entry.name, tokenDeps(await withMachineGrant(ctx, entry)));
        if (grant.dpop) throw (await import('../../core/oauth/dpop.js')).boundTokenRefused(entry.name);
        // Like `secret get`, the one place a token is printed: asked for by name.
        runtime.stdout.write(`${formatToken(grant.accessToken, options.header ? 'header' : options.json ? 'json' : 'token')}\n`);
      }),
    );
}
