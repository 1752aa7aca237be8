import type { Command } from 'commander';
import { completionKindOf, type CompletionKind } from '../cli/complete-kinds.js';

/** The command tree as completion needs it: built from commander at build time, read as JSON at run time. */
export interface SpecOption {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices?: string[];
  kind?: CompletionKind;
}

export interface SpecArgument {
  name: string;
  variadic: boolean;
  choices?: string[];
  kind?: CompletionKind;
}

export interface SpecCommand {
  name: string;
  aliases: string[];
  description: string;
  options: SpecOption[];
  arguments: SpecArgument[];
  commands: SpecCommand[];
}

export function buildSpec(command: Command): SpecCommand {
  const hidden = (cmd: Command) => (cmd as Command & { _hidden?: boolean })._hidden === true;
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: command.description(),
    options: command.options
      .filter((option) => !option.hidden)
      .map((option) => {
        const kind = completionKindOf(option);
        return {
          flags: [option.short, option.long].filter((flag): flag is string => typeof flag === 'string'),
          description: option.description,
          takesValue: option.required || option.optional,
          ...(option.argChoices ? { choices: option.argChoices } : {}),
          ...(kind ? { kind } : {}),
        };
      }),
    arguments: command.registeredArguments.map((argument) => {
      const kind = completionKindOf(argument);
      return {
        name: argument.name(),
        variadic: argument.variadic,
        ...(argument.argChoices ? { choices: argument.argChoices } : {}),
        ...(kind ? { kind } : {}),
      };
    }),
    commands: command.commands.filter((sub) => !hidden(sub)).map(buildSpec),
  };
}
