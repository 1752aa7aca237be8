import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerConfig } from './config.js';

export function registerClient(program: Command, runtime: Runtime): void {
  const client = program
    .command('client')
    .description('wire servers into MCP clients (Claude Desktop, Claude Code, Cursor, VS Code) without secrets in their files')
    .addHelpText('after', examples('mcpkey client config cursor', 'mcpkey client config claude-code neon linear --write'));
  registerConfig(client, runtime);
}
