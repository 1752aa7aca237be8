import { readFile } from 'node:fs/promises';
import { Argument, type Command } from 'commander';
import { action } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { isShell, SHELLS } from '../../completion/install-target.js';
import scripts from '../../completion/scripts.cjs';
import { UsageError } from '../../core/errors.js';

/** The scripts are the committed files under completions/, so what is printed, installed and shipped never differs. */
export async function completionScript(shell: string): Promise<string> {
  if (!isShell(shell)) {
    throw new UsageError(`no completion for shell "${shell}"`, `choose one of ${SHELLS.join(', ')}`, 'unknown_shell');
  }
  return readFile(scripts.scriptUrl(shell), 'utf8');
}

/** `mcpkey completion bash|zsh|fish`: the script on stdout, for `source <(…)` or a file of one's choice. */
export function registerPrint(completion: Command, runtime: Runtime): void {
  completion.addArgument(new Argument('<shell>', 'bash, zsh or fish: print its script').choices(SHELLS)).action(
    action(runtime, async (_ctx, [shell]) => {
      runtime.stdout.write(await completionScript(shell!));
    }),
  );
}
