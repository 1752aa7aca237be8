import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerCall } from './call.js';
import { registerList } from './list.js';

export function registerTools(program: Command, runtime: Runtime): void {
  const tools = program
    .command('tools')
    .description("check that a server works with its credentials: list its tools, call one")
    .addHelpText('after', examples('mcpkey tools list memory', 'mcpkey tools call memory read_graph'));
  registerList(tools, runtime);
  registerCall(tools, runtime);
}
