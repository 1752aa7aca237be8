import { CancelledError } from '../core/errors.js';
import type { ElicitAnswer, ElicitQuestion } from '../core/protocol/elicitation.js';
import { printable } from '../core/names.js';
import type { Runtime } from './io.js';

/**
 * Asks the person at the terminal what a server wants to know, one field at a time, each pre-filled
 * with its default. Escape or Ctrl-C declines; nothing asked here is ever stored.
 */
export function terminalElicitation(runtime: Runtime, server: string): (question: ElicitQuestion) => Promise<ElicitAnswer> {
  const context = { input: runtime.stdin, output: runtime.stderr as NodeJS.WritableStream, clearPromptOnDone: false };
  return async (question) => {
    const prompts = await import('@inquirer/prompts');
    runtime.stderr.write(`${server} asks: ${printable(question.message, 2000)}\n`);
    const content: Record<string, unknown> = {};
    try {
      for (const field of question.fields) {
        const label = printable(field.title ?? field.name) + (field.description ? ` (${printable(field.description, 200)})` : '');
        if (field.type === 'boolean') {
          content[field.name] = await prompts.confirm({ message: label, default: field.value === true }, context);
        } else if (field.enum) {
          const choices = field.enum.map((value) => ({ name: printable(String(value)), value }));
          content[field.name] = await prompts.select({ message: label, choices, ...(field.value !== undefined ? { default: field.value } : {}) }, context);
        } else {
          const numeric = field.type === 'number' || field.type === 'integer';
          const text = await prompts.input(
            {
              message: label,
              ...(field.value !== undefined ? { default: String(field.value) } : {}),
              required: field.required,
              ...(numeric ? { validate: (value: string) => value === '' || Number.isFinite(Number(value)) || 'a number, please' } : {}),
            },
            context,
          );
          if (text !== '' || field.required) content[field.name] = numeric ? Number(text) : text;
        }
      }
    } catch (error) {
      if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) return { action: 'cancel' };
      if (error instanceof CancelledError) return { action: 'cancel' };
      throw error;
    }
    return { action: 'accept', content };
  };
}
