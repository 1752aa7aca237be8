import type { Command } from 'commander';
import { completionKindOf, type CompletionKind } from '../cli/complete-kinds.js';

/**
 * What to offer: the tagged kinds, and narrower sets of servers for the commands that take only some
 * (completing a name the command would refuse helps nobody).
 */
export type SpecKind = CompletionKind | 'user-server' | 'oauth-server' | 'enabled-server' | 'disabled-server';

/** Commands whose server argument takes only some servers. The build fails when one of them is gone. */
export const NARROWED: Readonly<Record<string, SpecKind>> = {
  'server remove': 'user-server',
  'server enable': 'disabled-server',
  'server disable': 'enabled-server',
  'oauth authorize': 'oauth-server',
  'oauth token': 'oauth-server',
  'oauth revoke': 'oauth-server',
};

/** A built-in entry as the build described it (write-spec.ts): loading the catalog itself costs a keypress. */
export interface CatalogIndexEntry {
  name: string;
  title: string;
  oauth: boolean;
  secrets: Array<{ name: string; description: string }>;
}

/** The command tree as completion needs it: built from commander at build time, read as JSON at run time. */
export interface SpecOption {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices?: string[];
  kind?: SpecKind;
}

export interface SpecArgument {
  name: string;
  variadic: boolean;
  choices?: string[];
  kind?: SpecKind;
}

export interface SpecCommand {
  name: string;
  aliases: string[];
  description: string;
  /** Its line in the parent's help (`run [options] <name> [command...]`): help lists a noun without loading it. */
  term?: string;
  options: SpecOption[];
  arguments: SpecArgument[];
  commands: SpecCommand[];
}

/** `narrowed` collects the NARROWED commands found, for the build to check that none is missing. */
export function buildSpec(command: Command, path: string[] = [], narrowed: Set<string> = new Set()): SpecCommand {
  const hidden = (cmd: Command) => (cmd as Command & { _hidden?: boolean })._hidden === true;
  const key = path.join(' ');
  const narrow = (kind: CompletionKind | undefined): SpecKind | undefined => {
    if (kind !== 'server' || !NARROWED[key]) return kind;
    narrowed.add(key);
    return NARROWED[key];
  };
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: command.description(),
    term: command.createHelp().subcommandTerm(command),
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
      const kind = narrow(completionKindOf(argument));
      return {
        name: argument.name(),
        variadic: argument.variadic,
        ...(argument.argChoices ? { choices: argument.argChoices } : {}),
        ...(kind ? { kind } : {}),
      };
    }),
    commands: command.commands.filter((sub) => !hidden(sub)).map((sub) => buildSpec(sub, [...path, sub.name()], narrowed)),
  };
}
