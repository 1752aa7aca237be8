import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerAuthorize } from './authorize.js';
import { registerLs } from './ls.js';
import { registerRevoke } from './revoke.js';
import { registerToken } from './token.js';

export function registerOAuth(program: Command, runtime: Runtime): void {
  const oauth = program
    .command('oauth')
    .description('OAuth grants for remote MCP servers: authorize, ls, token, revoke')
    .addHelpText('after', examples('mcpkey oauth authorize linear', 'mcpkey oauth ls', 'mcpkey oauth token linear --header'));
  registerAuthorize(oauth, runtime);
  registerLs(oauth, runtime);
  registerToken(oauth, runtime);
  registerRevoke(oauth, runtime);
}
