import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { printAuthorize, runAuthorize, type AuthorizeOptions } from '../../cli/authorize.js';
import { serverArgument } from '../../cli/complete-kinds.js';
import { addGrantOptions } from '../../cli/grant-options.js';
import type { Runtime } from '../../cli/io.js';

export function registerAuthorize(parent: Command, runtime: Runtime): void {
  const command = parent
    .command('authorize')
    .description('sign in to a remote MCP server with OAuth and keep the grant in the keychain')
    .addArgument(serverArgument())
    .option('--scope <scopes>', 'scopes to request (default: what the server asks for)')
    .option('--client-id <id>', 'a client registered with the provider (instead of dynamic registration)')
    .option('--client-secret-stdin', "read that client's secret from stdin (or a hidden prompt)")
    .option('--port <port>', 'fixed port for the http://127.0.0.1:PORT/callback redirect')
    .option('--timeout <seconds>', 'how long to wait for the sign-in', '300')
    .option('--no-browser', 'only print the URL; do not open a browser')
    .option('--device', 'use the device flow: enter a code on another device')
    .option('--no-resource', 'omit the RFC 8707 resource parameter (for servers that reject it)');
  addGrantOptions(command)
    .addHelpText(
      'after',
      examples(
        'mcpkey oauth authorize linear',
        'mcpkey oauth authorize linear --no-browser          # over SSH: open the URL elsewhere, paste the result',
        'mcpkey oauth authorize sentry-remote --device',
        'printf %s "$SECRET" | mcpkey oauth authorize asana --client-id 1234 --client-secret-stdin',
        'LINEAR_OAUTH_CLIENT_SECRET=… mcpkey oauth authorize linear --grant client-credentials --client-id ci-bot',
        'mcpkey oauth authorize linear --grant jwt-bearer --client-id ci-bot --github-oidc',
      ),
    )
    .action(
      action<AuthorizeOptions>(runtime, async (ctx, [name], options) => {
        printAuthorize(await runAuthorize(ctx, name!, options), ctx.printer);
      }),
    );
}
