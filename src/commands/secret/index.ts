import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerDelete } from './delete.js';
import { registerGet } from './get.js';
import { registerList } from './list.js';
import { registerSet } from './set.js';

export function registerSecret(program: Command, runtime: Runtime): void {
  const secret = program
    .command('secret')
    .description('manage <server>.<key> secrets in the OS keychain')
    .addHelpText(
      'after',
      `\nLookup order: environment variable, then .env.mcp (or --env-file), then the keychain.${examples(
        'mcpkey secret set neon.api_key',
        'mcpkey secret list',
      )}`,
    );
  registerSet(secret, runtime);
  registerGet(secret, runtime);
  registerList(secret, runtime);
  registerDelete(secret, runtime);
}
