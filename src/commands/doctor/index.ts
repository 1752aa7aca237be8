import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Context } from '../../cli/context.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import { CliError, ExitCode } from '../../core/errors.js';
import type { Check, DoctorReport } from '../../core/doctor/types.js';

const WORDS = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

export function printDoctor(report: DoctorReport, printer: Printer): void {
  for (const warning of report.warnings) printer.warn(warning);
  const { style } = printer;
  // Marks on a terminal; words that grep and screen readers take in a pipe.
  const mark = (check: Check) =>
    printer.tty ? { ok: style.green('✓'), warn: style.yellow('!'), fail: style.red('✗') }[check.status] : WORDS[check.status];
  for (const check of report.checks) {
    printer.line(`${mark(check)} ${check.message}`);
    if (check.hint) printer.line(`     ${style.dim('fix:')} ${check.hint}`);
  }
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  printer.line();
  const counts = [failed ? `${failed} problem${failed === 1 ? '' : 's'}` : '', warned ? `${warned} warning${warned === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  printer.line(counts ? `${failed ? style.red(counts) : style.yellow(counts)}` : style.green('everything looks right'));
}

/** The catalog, enabled list and resolver; with a config file that cannot be used, the built-in catalog and the problem. */
async function configured(ctx: Context) {
  try {
    return { catalog: await ctx.catalog(), enabled: (await ctx.config()).enabled, resolver: await ctx.resolver() };
  } catch (error) {
    if (!(error instanceof CliError) || error.exitCode !== ExitCode.config) throw error;
    const [{ mergeCatalog }, { SecretResolver }] = await Promise.all([import('../../core/catalog/index.js'), import('../../core/secrets/resolve.js')]);
    const catalog = mergeCatalog({});
    const resolver = new SecretResolver({ env: ctx.runtime.env, envFile: await ctx.envFile(), keychain: ctx.keychain, catalog });
    return { catalog, enabled: [], resolver, configProblem: { message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
  }
}

export function registerDoctor(program: Command, runtime: Runtime): void {
  program
    .command('doctor')
    .description('check everything an MCP client needs: keychain, PATH, launchers, secrets, grants, client files (offline)')
    .option('--json', 'machine-readable output')
    .option('--probe', 'also connect to each ready remote server once, to learn the protocol revision it speaks')
    .addHelpText('after', `${examples('mcpkey doctor', 'mcpkey doctor --json', 'mcpkey doctor --probe')}\nExit code 0 when no check failed (warnings allowed), 4 when one did.\n`)
    .action(
      action<{ json?: boolean; probe?: boolean }>(runtime, async (ctx, _args, options) => {
        const [{ diagnose }, { realpath }, { isExecutable }, { readClientFiles, defaultLocate }, { fileVerdictStore }] = await Promise.all([
          import('../../core/doctor/index.js'),
          import('node:fs/promises'),
          import('../../core/run/launchers.js'),
          import('../../core/clients/status.js'),
          import('../../core/protocol/verdicts.js'),
        ]);
        const env = ctx.runtime.env;
        const setup = await configured(ctx);
        const report = await diagnose({
          configFile: ctx.configFile,
          ...setup,
          keychain: ctx.keychain,
          grants: ctx.grants,
          verdicts: fileVerdictStore(ctx.stateDir),
          env,
          platform: process.platform,
          isExecutable,
          realpath: (file) => realpath(file).catch(() => undefined),
          ...(process.argv[1] ? { self: process.argv[1] } : {}),
          readClientFiles: () => readClientFiles({ locate: defaultLocate(env, ctx.runtime.cwd) }),
          now: Date.now,
          ...(options.probe ? { probe: async (entry) => (await import('./probe.js')).probeRevision(ctx, entry) } : {}),
        });
        if (options.json) ctx.printer.json(report);
        else printDoctor(report, ctx.printer);
        if (!report.ok) ctx.runtime.exitCode = ExitCode.notReady;
      }),
    );
}
