import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import type { Runtime } from '../../cli/io.js';
import { UsageError } from '../../core/errors.js';
import { assertServerName } from '../../core/names.js';

export type TokenFormat = 'token' | 'header' | 'json';

export function formatToken(accessToken: string, format: TokenFormat): string {
  if (format === 'header') return `Authorization: Bearer ${accessToken}`;
  if (format === 'json') return JSON.stringify({ Authorization: `Bearer ${accessToken}` });
  return accessToken;
}

export function registerToken(parent: Command, runtime: Runtime): void {
  parent
    .command('token')
    .description('print a valid access token, refreshing it first when it expires within 60 s')
    .addArgument(serverArgument())
    .option('--header', 'print "Authorization: Bearer <token>"')
    .option('--json', 'print {"Authorization":"Bearer <token>"} (for MCP clients\' headers helpers)')
    .addHelpText('after', examples('mcpkey oauth token linear', 'curl -H "$(mcpkey oauth token linear --header)" https://mcp.linear.app/mcp'))
    .action(
      action<{ header?: boolean; json?: boolean }>(runtime, async (ctx, [name], options) => {
        if (options.header && options.json) throw new UsageError('--header and --json exclude each other', 'choose one', 'invalid_option');
        const { validGrant } = await import('../../core/oauth/tokens.js');
        const grant = await validGrant(assertServerName(name!), { store: ctx.grants, lockDir: ctx.stateDir });
        // Like `secret get`, the one place a token is printed: asked for by name.
        runtime.stdout.write(`${formatToken(grant.accessToken, options.header ? 'header' : options.json ? 'json' : 'token')}\n`);
      }),
    );
}
