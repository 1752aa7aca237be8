import { CancelledError, UsageError } from '../core/errors.js';
import type { Runtime } from './io.js';

/** Interactive questions. Only asked on a terminal; every one has a flag or a pipe as the other way in. */
export interface Prompts {
  secret(message: string): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

function cancelled(error: unknown): never {
  if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
    throw new CancelledError();
  }
  throw error;
}

/** @inquirer/prompts is loaded only when a question is actually asked. */
/** `interactive` is asked at the first prompt (it looks at stdin and stderr, which most commands never touch). */
export function createPrompts(runtime: Runtime, interactive: () => boolean): Prompts {
  const guarded = () => {
    if (!interactive()) throw new UsageError('this needs an answer, but there is no terminal to ask on', 'pass the value with a flag or through stdin');
    return { input: runtime.stdin, output: runtime.stderr as NodeJS.WritableStream, clearPromptOnDone: false };
  };
  return {
    async secret(message) {
      const context = guarded();
      const { password } = await import('@inquirer/prompts');
      return password({ message, mask: false }, context).catch(cancelled);
    },
    async confirm(message, defaultValue) {
      const context = guarded();
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message, default: defaultValue }, context).catch(cancelled);
    },
  };
}
