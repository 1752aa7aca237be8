import type { Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import { idpConfigOf } from '../../cli/idp.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { ConfigData } from '../../core/config/store.js';
import type { IdpSessionStore } from '../../core/idp/session.js';
import type { OAuthStore } from '../../core/oauth/store.js';

export interface IdpRemoveResult {
  idp: string;
  sessionDeleted: boolean;
  /** Servers whose grants it issued: they work until they expire, then need another way to authorize. */
  servers: string[];
  warnings: string[];
}

export async function removeIdp(
  name: string,
  deps: { sessions: IdpSessionStore; grants: OAuthStore; updateConfig<T>(mutate: (config: ConfigData) => T): Promise<T> },
): Promise<IdpRemoveResult> {
  await deps.updateConfig((config) => {
    if (config.idps) delete config.idps[name];
    if (config.idps && Object.keys(config.idps).length === 0) delete config.idps;
  });
  const sessionDeleted = await deps.sessions.delete(name);
  const servers = (await deps.grants.grants()).filter((grant) => grant.grant === 'enterprise' && grant.settings?.idp === name).map((grant) => grant.server).sort();
  return {
    idp: name,
    sessionDeleted,
    servers,
    warnings: servers.length > 0 ? [`the grants of ${servers.join(', ')} came from ${name}; they stop renewing once they expire (authorize them again another way)`] : [],
  };
}

export function printRemoveIdp(result: IdpRemoveResult, printer: Printer): void {
  for (const warning of result.warnings) printer.warn(warning);
  printer.success(`Removed identity provider ${result.idp}${result.sessionDeleted ? ' and its sign-in' : ''}`);
}

export function registerRemove(parent: Command, runtime: Runtime): void {
  parent
    .command('remove')
    .alias('rm')
    .description('remove an identity provider and its sign-in')
    .argument('<name>', 'the identity provider')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('mcpkey idp remove corp'))
    .action(
      action<{ json?: boolean }>(runtime, async (ctx, [name], options) => {
        await idpConfigOf(ctx, name!);
        const { IdpSessionStore } = await import('../../core/idp/session.js');
        const result = await removeIdp(name!, { sessions: new IdpSessionStore(ctx.keychain), grants: ctx.grants, updateConfig: (mutate) => ctx.updateConfig(mutate) });
        if (options.json) ctx.printer.json(result);
        else printRemoveIdp(result, ctx.printer);
      }),
    );
}
