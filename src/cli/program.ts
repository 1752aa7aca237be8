import { Command, Option } from 'commander';
import { registerClient } from '../commands/client/index.js';
import { registerCompletion } from '../commands/completion/index.js';
import { registerDoctor } from '../commands/doctor/index.js';
import { registerOAuth } from '../commands/oauth/index.js';
import { registerRun } from '../commands/run/index.js';
import { registerSecret } from '../commands/secret/index.js';
import { registerTools } from '../commands/tools/index.js';
import { registerServer } from '../commands/server/index.js';
import { examples } from './action.js';
import { completing } from './complete-kinds.js';
import type { Runtime } from './io.js';
import { version } from '../core/version.js';

/** The whole command tree. Leaf commands load their heavy dependencies only when they run. */
export function buildProgram(runtime: Runtime): Command {
  const program = new Command('mcpkey')
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
  registerServer(program, runtime);
  registerSecret(program, runtime);
  registerOAuth(program, runtime);
  registerClient(program, runtime);
  registerRun(program, runtime);
  registerTools(program, runtime);
  registerCompletion(program, runtime);
  registerDoctor(program, runtime);
  return program;
}
