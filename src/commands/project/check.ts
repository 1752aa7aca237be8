import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { describeMissing } from '../../core/auth/classify.js';
import { ExitCode, NotFoundError } from '../../core/errors.js';
import type { ProjectCheckResult, ProjectMissingItem } from '../../core/project/check.js';

function describe(item: ProjectMissingItem): string {
  if (item.type === 'reference') return `${item.name} (${item.problem})`;
  if (item.type === 'entry') return 'no entry of that name';
  return describeMissing(item);
}

export function printProjectCheck(result: ProjectCheckResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  const { style } = printer;
  printer.line(`Project ${result.file}`);
  for (const server of result.servers) {
    const mark = printer.tty ? (server.ready ? style.green('✓') : style.red('✗')) : server.ready ? 'ok  ' : 'MISS';
    printer.line(`${mark} ${server.name}${server.ready ? '' : `: missing ${server.missing.map(describe).join(', ')}`}`);
    for (const step of server.nextSteps) printer.line(`     ${style.dim('next:')} ${step}`);
  }
  const short = result.servers.filter((server) => !server.ready).length;
  printer.line();
  printer.line(short === 0 ? style.green('this machine has everything the project needs') : style.red(`${short} of ${result.servers.length} server${result.servers.length === 1 ? '' : 's'} need something on this machine`));
}

export function registerCheck(parent: Command, runtime: Runtime): void {
  parent
    .command('check')
    .description('what this machine lacks for the project: launchers, secrets, references that do not resolve, OAuth grants')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `${examples('mcpkey project check', 'mcpkey project check --json')}\nExit code 0 when every server the project uses is ready, 4 when something is missing.\n`)
    .action(
      action<{ json?: boolean }>(runtime, async (ctx, _args, options) => {
        const project = await ctx.project();
        if (!project) {
          throw new NotFoundError(`no mcpkey.json in ${runtime.cwd} or a directory above it`, 'create one with `mcpkey project init` (or point MCPKEY_PROJECT_FILE at it)', 'project_not_found');
        }
        const { checkProject } = await import('../../core/project/check.js');
        const result = await checkProject({ project, catalog: await ctx.catalog(), resolver: await ctx.resolver(), grants: ctx.grants });
        if (options.json) ctx.printer.json(result);
        else printProjectCheck(result, ctx.printer);
        if (!result.ready) ctx.runtime.exitCode = ExitCode.notReady;
      }),
    );
}
