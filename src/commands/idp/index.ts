import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerAdd } from './add.js';
import { registerLogin } from './login.js';
import { registerLogout } from './logout.js';
import { registerLs } from './ls.js';
import { registerRemove } from './remove.js';

export function registerIdp(program: Command, runtime: Runtime): void {
  const idp = program
    .command('idp')
    .description('company identity providers for enterprise sign-in: add, ls, login, logout, remove')
    .addHelpText(
      'after',
      examples(
        'mcpkey idp add corp --issuer https://login.example.com --client-id mcpkey',
        'mcpkey idp login corp',
        'mcpkey oauth authorize linear --grant enterprise --idp corp',
      ),
    );
  registerAdd(idp, runtime);
  registerLs(idp, runtime);
  registerLogin(idp, runtime);
  registerLogout(idp, runtime);
  registerRemove(idp, runtime);
}
