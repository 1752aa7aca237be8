import { readFileSync } from 'node:fs';
import { Command, Help, Option } from 'commander';
import { examples } from './action.js';
import { completing } from './complete-kinds.js';
import type { Runtime } from './io.js';
import version from '../core/version.cjs';
import type { SpecCommand } from '../completion/spec.js';

type Register = (program: Command, runtime: Runtime) => void;

/** The nouns, in the order help lists them; each module is loaded only when its noun is used. */
const NOUNS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['server', async () => (await import('../commands/server/index.js')).registerServer],
  ['secret', async () => (await import('../commands/secret/index.js')).registerSecret],
  ['oauth', async () => (await import('../commands/oauth/index.js')).registerOAuth],
  ['idp', async () => (await import('../commands/idp/index.js')).registerIdp],
  ['client', async () => (await import('../commands/client/index.js')).registerClient],
  ['project', async () => (await import('../commands/project/index.js')).registerProject],
  ['run', async () => (await import('../commands/run/index.js')).registerRun],
  ['tools', async () => (await import('../commands/tools/index.js')).registerTools],
  ['gateway', async () => (await import('../commands/gateway/index.js')).registerGateway],
  ['completion', async () => (await import('../commands/completion/index.js')).registerCompletion],
  ['doctor', async () => (await import('../commands/doctor/index.js')).registerDoctor],
];

/** The first command word of argv (skipping global options and the value of --env-file), if any. */
export function firstWord(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    if (token === '--') return undefined;
    if (token === '--env-file') index++;
    else if (!token.startsWith('-')) return token;
  }
  return undefined;
}

/** The top-level commands as the build described them (dist/completion-spec.json), or undefined when it cannot be read. */
function describedNouns(): Map<string, SpecCommand> | undefined {
  try {
    const spec = JSON.parse(readFileSync(new URL('../completion-spec.json', import.meta.url), 'utf8')) as SpecCommand;
    return new Map(spec.commands.map((command) => [command.name, command]));
  } catch {
    return undefined;
  }
}

/**
 * The command tree. With argv, only the noun it names is loaded; the others are described from the
 * build's spec, which is all the top-level help and its usage errors show of them. A word that is no
 * noun (`help`, a typo: its hint lists every noun's verbs) loads them all, as does a build without a spec.
 */
export async function buildProgram(runtime: Runtime, argv?: readonly string[]): Promise<Command> {
  const word = argv === undefined ? undefined : firstWord(argv);
  const described = argv === undefined || (word !== undefined && !NOUNS.some(([noun]) => noun === word)) ? undefined : describedNouns();
  const stub = (noun: string) => {
    const command = described?.get(noun);
    return command?.term !== undefined && noun !== word ? command : undefined;
  };
  const lazy = described !== undefined && NOUNS.every(([noun]) => noun === word || stub(noun) !== undefined);
  const program = root(runtime);
  const terms = new WeakMap<Command, string>();
  if (lazy) {
    // The help's one line per command, as the build wrote it for the commands not loaded.
    program.configureHelp({ subcommandTerm: (command) => terms.get(command) ?? Help.prototype.subcommandTerm.call(program.createHelp(), command) });
  }
  const registers = await Promise.all(NOUNS.map(([noun, load]) => (lazy && noun !== word ? undefined : load())));
  NOUNS.forEach(([noun], index) => {
    const register = registers[index];
    if (register) return register(program, runtime);
    const spec = stub(noun)!;
    terms.set(program.command(spec.name).description(spec.description), spec.term!);
  });
  return program;
}

function root(runtime: Runtime): Command {
  return new Command('mcpkey')
    .description('Credentials for MCP servers: API keys in the OS keychain, OAuth grants, and a catalog of servers.')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--no-color', 'no colours in output (also: NO_COLOR=1)')
    .addOption(completing(new Option('--env-file <path>', 'read secrets from this file instead of ./.env.mcp (also: MCPKEY_ENV_FILE)'), 'file'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
      // Errors are printed by the entry point, in mcpkey's one-line format.
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `${examples(
        'mcpkey server list',
        'mcpkey server enable neon',
        'mcpkey secret set neon.api_key',
        'mcpkey oauth authorize linear',
        'mcpkey secret list --json',
      )}\nExit codes: 0 ok, 1 unexpected, 2 usage, 3 not found, 4 not ready, 5 keychain unavailable, 6 config, 7 OAuth failed, 8 tool error, 9 server failed, 130 cancelled.\n`,
    );
}
