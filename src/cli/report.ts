import { CliError, ExitCode } from '../core/errors.js';
import { suggestions } from '../core/suggest.js';
import { clip, escapeControls, safeJson } from '../core/text.js';
import type { Runtime } from './io.js';

/**
 * Errors as mcpkey reports them: one line (or one JSON object), a hint, an exit code. Loaded only when
 * something failed, so that the fast paths (`--version`, completion) load nothing of it.
 */

/** Commander's own errors, recognised without loading commander on the fast paths. */
interface CommanderLikeError {
  code: string;
  exitCode: number;
  message: string;
}

function isCommanderError(error: unknown): error is CommanderLikeError {
  return error instanceof Error && typeof (error as Partial<CommanderLikeError>).code === 'string' && (error as Partial<CommanderLikeError>).code!.startsWith('commander.');
}

/**
 * Commander's message without what was typed as a value: `--value=S3CRET` may be a secret put in the
 * wrong place, and so may the value of an option refused for not being one of its choices.
 */
export function commanderMessage(message: string): string {
  return clip(
    message
      .replace(/^error:\s*/, '')
      .split('\n')[0]!
      .replace(/'(-{1,2}[^'=\s]*)=[^']*'/g, "'$1=…'")
      .replace(/'-([A-Za-z])[^'-][^']*'/g, "'-$1…'")
      .replace(/ argument '[^']*' is invalid/, ' has an invalid value')
      .replace(/ value '[^']*' is invalid/, ' value is invalid'),
    200,
  );
}

/** A non-mcpkey error's first line, without what Node quotes of the offending value ("Received '…'"). */
function unexpectedMessage(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return clip(message.replace(/\.?\s*Received\b.*$/s, ''), 200);
}

function commandPath(argv: string[]): string {
  // Command words only: an argument may be a value typed in the wrong place.
  const words: string[] = [];
  for (const word of argv.filter((arg) => !arg.startsWith('-')).slice(0, 2)) {
    if (!/^[a-z][a-z-]{0,20}$/.test(word)) break;
    words.push(word);
  }
  return ['mcpkey', ...words].join(' ');
}

/** The part of commander's command tree a hint needs (structural: main.ts does not load commander). */
export interface CommandTree {
  name(): string;
  aliases(): string[];
  readonly commands: readonly CommandTree[];
}

interface Located {
  /** The command's full name, e.g. ['server', 'enable']: only words the tree knows, never what was typed. */
  words: string[];
  node: CommandTree;
  /** What was typed after the command words, options included. */
  rest: string[];
}

function locate(argv: string[], tree: CommandTree): Located {
  const end = argv.indexOf('--');
  const typed = end === -1 ? argv : argv.slice(0, end);
  const words: string[] = [];
  let node = tree;
  for (let index = 0; index < typed.length; index++) {
    const token = typed[index]!;
    if (token.startsWith('-')) continue;
    const child = node.commands.find((command) => command.name() === token || command.aliases().includes(token));
    if (!child) return { words, node, rest: typed.slice(index) };
    words.push(child.name());
    node = child;
  }
  return { words, node, rest: [] };
}

/** commander's `(Did you mean list?)`, when it is a command or option name (nothing else is ever echoed). */
export function commanderSuggestion(message: string): string | undefined {
  const match = /\(Did you mean (-{0,2}[A-Za-z0-9][A-Za-z0-9-]*)\?\)/.exec(message);
  return match?.[1];
}

/** `commander.unknownOption` → `unknown_option`: one code vocabulary for mcpkey's errors and commander's. */
export function commanderCode(code: string): string {
  return code
    .replace(/^commander\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function oneOf(commands: string[]): string {
  const quoted = commands.map((command) => `\`${command}\``);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/**
 * The hint for an unknown command: commander's own suggestion as the whole command; at the top level,
 * the nouns' verbs (`mcpkey enable` → `mcpkey server enable`, `mcpkey lsit` → `mcpkey server list`, …).
 */
function unknownCommandHint(message: string, argv: string[], tree: CommandTree): string {
  const typed = /unknown command '([^']*)'/.exec(message)?.[1];
  const at = locate(argv, tree);
  const path = ['mcpkey', ...at.words].join(' ');
  if (typed === undefined || at.rest[0] !== typed) return `see \`${path} --help\``;
  const verbs = at.words.length === 0 ? topLevelVerbs(tree) : [];
  // `mcpkey list`: the verb of a noun, said without the noun, before anything merely close to it.
  const exact = verbs.filter((verb) => verb.word === typed);
  if (exact.length > 0) return `did you mean ${oneOf(unique(exact.map((verb) => verb.command)))}?`;
  const meant = commanderSuggestion(message);
  const child = meant === undefined ? undefined : at.node.commands.find((command) => command.name() === meant);
  if (meant && child) {
    // `mcpkey sever list` → `mcpkey server list`: the rest of the command, as far as the tree knows it.
    const rest = locate(at.rest.slice(1), child).words;
    return `did you mean \`${[path, meant, ...rest].join(' ')}\`?`;
  }
  const close = new Set(suggestions(typed, verbs.map((verb) => verb.word)));
  const commands = unique(verbs.filter((verb) => close.has(verb.word)).map((verb) => verb.command));
  return commands.length > 0 ? `did you mean ${oneOf(commands)}?` : `see \`${path} --help\``;
}

function topLevelVerbs(tree: CommandTree): Array<{ word: string; command: string }> {
  return tree.commands.flatMap((noun) =>
    noun.commands.flatMap((verb) => [verb.name(), ...verb.aliases()].map((word) => ({ word, command: `mcpkey ${noun.name()} ${verb.name()}` }))),
  );
}

function unique(commands: string[]): string[] {
  return [...new Set(commands)].slice(0, 3);
}

/** `unknown server "fetc"` → the command as it should have been typed, when the name was the first argument. */
function unknownServerHint(error: CliError, argv: string[], tree: CommandTree): string | undefined {
  // UnknownServerError's fields, read without loading the catalog module.
  const { typed, suggestion } = error as CliError & { typed?: unknown; suggestion?: unknown };
  if (typeof suggestion !== 'string' || typeof typed !== 'string') return undefined;
  const at = locate(argv, tree);
  const positional = at.rest.filter((token) => !token.startsWith('-'));
  if (at.words.length === 0 || positional[0] !== typed) return undefined;
  // Only command words and the catalog's name: whatever else was typed may be a value.
  return `did you mean \`${['mcpkey', ...at.words, suggestion].join(' ')}${positional.length > 1 ? ' …' : ''}\`?`;
}

export function reportError(error: unknown, runtime: Runtime, tree?: CommandTree): number {
  // Only mcpkey's own flags count: what follows `--` belongs to a server's command line.
  const end = runtime.argv.indexOf('--');
  const json = (end === -1 ? runtime.argv : runtime.argv.slice(0, end)).includes('--json');
  const write = (code: string, message: string, hint: string | undefined, exitCode: number) => {
    if (json) {
      runtime.stderr.write(`${safeJson({ error: { code, message, ...(hint ? { hint } : {}), exitCode } })}\n`);
    } else {
      // One line, and nothing in it a terminal would act on: messages may quote a server or a file.
      runtime.stderr.write(`mcpkey: ${escapeControls(message)}${hint ? ` — ${escapeControls(hint)}` : ''}\n`);
    }
    return exitCode;
  };
  if (error instanceof CliError) {
    const hint = error.code === 'unknown_server' && tree ? unknownServerHint(error, runtime.argv, tree) : undefined;
    return write(error.code, error.message, hint ?? error.hint, error.exitCode);
  }
  if (isCommanderError(error)) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // `mcpkey secret` without a subcommand: the help already went to stderr.
    if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return ExitCode.usage;
    const path = tree ? ['mcpkey', ...locate(runtime.argv, tree).words].join(' ') : commandPath(runtime.argv);
    let hint = `see \`${path} --help\``;
    if (error.code === 'commander.unknownCommand' && tree) hint = unknownCommandHint(error.message, runtime.argv, tree);
    else if (error.code === 'commander.unknownOption') {
      const meant = commanderSuggestion(error.message);
      if (meant) hint = `did you mean \`${meant}\`? (see \`${path} --help\`)`;
    }
    return write(commanderCode(error.code), commanderMessage(error.message), hint, ExitCode.usage);
  }
  if (runtime.env.MCPKEY_DEBUG) runtime.stderr.write(`${escapeControls((error as Error)?.stack ?? String(error), '\n')}\n`);
  return write('unexpected', `unexpected error: ${unexpectedMessage(error)}`, 'this is a bug; rerun with MCPKEY_DEBUG=1 and report it', ExitCode.unexpected);
}

