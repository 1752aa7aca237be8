import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerConfig } from './config.js';
import { registerStatus } from './status.js';

export function registerClient(program: Command, runtime: Runtime): void {
  const client = program
    .command('client')
    .description('wire servers into MCP clients (Claude, Cursor, VS Code, Windsurf, Cline, Zed, Gemini CLI, Codex, Goose) without secrets in their files')
    .addHelpText('after', examples('mcpkey client config cursor', 'mcpkey client config claude-code neon linear --write', 'mcpkey client status'));
  registerConfig(client, runtime);
  registerStatus(client, runtime);
}
