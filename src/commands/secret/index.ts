import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerCheck } from './check.js';
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
      `\nLookup order: environment variable, then .env.mcp (or --env-file), then the keychain. In the environment\nand .env.mcp, a value op://, vault://, pass://, gopass://, aws-sm:// or gcp-sm://… is a reference to that store,\nresolved when used; secret set NAME --ref REF keeps one in the keychain.${examples(
        'mcpkey secret set neon.api_key',
        'mcpkey secret list',
        'mcpkey secret set neon.api_key --ref op://Dev/Neon/credential',
        'mcpkey secret check',
      )}`,
    );
  registerSet(secret, runtime);
  registerGet(secret, runtime);
  registerList(secret, runtime);
  registerDelete(secret, runtime);
  registerCheck(secret, runtime);
}
