import { readFile } from 'node:fs/promises';
import { Argument, type Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { UsageError } from '../../core/errors.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const FILES: Record<Shell, string> = { bash: 'mcpkey.bash', zsh: '_mcpkey', fish: 'mcpkey.fish' };

/** The scripts are the committed files under completions/, so what users install and what this prints never differ. */
export async function completionScript(shell: string): Promise<string> {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`no completion for shell "${shell}"`, `choose one of ${SHELLS.join(', ')}`, 'unknown_shell');
  }
  return readFile(new URL(`../../../completions/${FILES[shell as Shell]}`, import.meta.url), 'utf8');
}

export function registerCompletion(program: Command, runtime: Runtime): void {
  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      examples(
        'mcpkey completion bash > ~/.local/share/bash-completion/completions/mcpkey',
        'mcpkey completion zsh > "${fpath[1]}/_mcpkey"',
        'mcpkey completion fish > ~/.config/fish/completions/mcpkey.fish',
      ),
    )
    .action(
      action(runtime, async (_ctx, [shell]) => {
        runtime.stdout.write(await completionScript(shell!));
      }),
    );
}
