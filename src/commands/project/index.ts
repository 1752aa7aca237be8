import type { Command } from 'commander';
import { examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import { registerCheck } from './check.js';
import { registerInit } from './init.js';

export function registerProject(program: Command, runtime: Runtime): void {
  const project = program
    .command('project')
    .description("a team's MCP setup in the repository (mcpkey.json: servers, enabled set, secret references, never values): init, check")
    .addHelpText('after', examples('mcpkey project init', 'mcpkey project check', 'mcpkey project check --json'));
  registerInit(project, runtime);
  registerCheck(project, runtime);
}
