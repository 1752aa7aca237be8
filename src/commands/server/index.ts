import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerAdd } from './add.js';
import { registerDisable } from './disable.js';
import { registerEnable } from './enable.js';
import { registerInspect } from './inspect.js';
import { registerList } from './list.js';
import { registerRemove } from './remove.js';

export function registerServer(program: Command, runtime: Runtime): void {
  const server = program
    .command('server')
    .description('the catalog of MCP servers: list, enable, disable, inspect, add, remove')
    .addHelpText('after', examples('mcpkey server list', 'mcpkey server enable neon', 'mcpkey server inspect linear'));
  registerList(server, runtime);
  registerEnable(server, runtime);
  registerDisable(server, runtime);
  registerInspect(server, runtime);
  registerAdd(server, runtime);
  registerRemove(server, runtime);
}
