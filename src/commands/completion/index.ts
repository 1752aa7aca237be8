import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerInstall } from './install.js';
import { registerPrint } from './print.js';

export function registerCompletion(program: Command, runtime: Runtime): void {
  const completion = program
    .command('completion')
    .description('install, or print, the shell completion script for bash, zsh or fish')
    .addHelpText(
      'after',
      examples('mcpkey completion install', 'mcpkey completion install zsh', 'source <(mcpkey completion bash)'),
    );
  registerInstall(completion, runtime);
  registerPrint(completion, runtime);
}
