import { join } from 'node:path';
import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Context } from '../../cli/context.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { UsageError } from '../../core/errors.js';
import type { NeedsReference } from '../../core/project/init.js';

export interface ProjectInitResult {
  file: string;
  /** Replaced a file that was there (--force). */
  replaced: boolean;
  enabled: string[];
  /** The entries written in full (the user's own); built-in servers are named in `enabled` only. */
  servers: string[];
  /** Secret name → reference, as written. */
  secrets: Record<string, string>;
  /** Secrets without a reference: each teammate needs a reference added to the file, or a local value. */
  needsReference: NeedsReference[];
  warnings: string[];
}

export async function initProject(ctx: Context, options: { force?: boolean }): Promise<ProjectInitResult> {
  const [{ PROJECT_FILE }, { draftProject }, { writeFileAtomic }, { stat }] = await Promise.all([
    import('../../core/project/file.js'),
    import('../../core/project/init.js'),
    import('../../core/atomic.js'),
    import('node:fs/promises'),
  ]);
  const file = join(ctx.runtime.cwd, PROJECT_FILE);
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (exists && !options.force) throw new UsageError(`${file} already exists`, 'run `mcpkey project check` to use it, or `mcpkey project init --force` to replace it', 'project_exists');
  const existing = await ctx.project();
  const draft = await draftProject({ config: await ctx.config(), catalog: await ctx.catalog(), resolver: await ctx.resolver(), ...(existing ? { existing } : {}) });
  await writeFileAtomic(file, `${JSON.stringify(draft.content, null, 2)}\n`);
  return {
    file,
    replaced: exists,
    enabled: draft.content.enabled,
    servers: Object.keys(draft.content.servers),
    secrets: draft.content.secrets,
    needsReference: draft.needsReference,
    warnings: draft.warnings,
  };
}

export function printProjectInit(result: ProjectInitResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  const references = Object.keys(result.secrets).length;
  const summary = `${result.enabled.length} enabled server${result.enabled.length === 1 ? '' : 's'} (${result.servers.length} full entr${result.servers.length === 1 ? 'y' : 'ies'}), ${references} reference${references === 1 ? '' : 's'}`;
  printer.success(`${result.replaced ? 'Replaced' : 'Wrote'} ${result.file}: ${summary}`);
  if (!printer.tty) printer.line(`${result.replaced ? 'Replaced' : 'Wrote'} ${result.file}: ${summary}`);
  if (result.needsReference.length > 0) {
    printer.line('Needs a reference or a local value (no value is ever written to the project file):');
    for (const need of result.needsReference) {
      printer.line(`  ${need.name} (${need.server}, ${need.env})${need.storedIn ? `: a value in ${need.storedIn} on this machine` : ': set nowhere on this machine'}`);
    }
    printer.line(`Add each under "secrets" as "NAME": "op://…" (or vault://, pass://, gopass://, aws-sm://, gcp-sm://), or have each teammate set it: mcpkey secret set NAME`);
  }
  printer.line('Commit it, then a teammate runs: mcpkey project check');
}

export function registerInit(parent: Command, runtime: Runtime): void {
  parent
    .command('init')
    .description('write mcpkey.json here from the current setup: enabled servers, your own entries, secret references (never values)')
    .option('--force', 'replace an mcpkey.json that is already here')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey project init', 'mcpkey project init --force --json'))
    .action(
      action<{ force?: boolean; json?: boolean }>(runtime, async (ctx, _args, options) => {
        const result = await initProject(ctx, options);
        if (options.json) ctx.printer.json(result);
        else printProjectInit(result, ctx.printer);
      }),
    );
}
