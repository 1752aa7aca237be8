import { Option, type Command } from 'commander';
import { action, examples } from '../../cli/action.js';
import type { Runtime } from '../../cli/io.js';
import type { Printer } from '../../cli/output.js';
import type { ConfigData } from '../../core/config/store.js';
import { UsageError } from '../../core/errors.js';
import { assertIdpName, IDP_CLIENT_AUTH, idpSecretName, type IdpConfig } from '../../core/idp/config.js';
import { mechanicalEnvName, printable } from '../../core/names.js';
import { assertSecureEndpoint } from '../../core/oauth/urls.js';
import type { TokenAuthMethod } from '../../core/oauth/store.js';

export interface AddIdpOptions {
  issuer: string;
  clientId: string;
  clientAuth?: TokenAuthMethod;
  scope?: string;
  force?: boolean;
}

export interface AddIdpResult {
  name: string;
  issuer: string;
  clientId: string;
  clientAuth: TokenAuthMethod;
  /** Where the client secret is read from, when the client has one. */
  secret?: { name: string; env: string };
  replaced: boolean;
  nextSteps: string[];
  warnings: string[];
}

/** Records the provider in the config file; nothing secret is written, and the provider is not contacted. */
export async function addIdp(name: string, options: AddIdpOptions, deps: { updateConfig<T>(mutate: (config: ConfigData) => T): Promise<T> }): Promise<AddIdpResult> {
  assertIdpName(name);
  let issuer: URL;
  try {
    issuer = assertSecureEndpoint(options.issuer, 'issuer');
  } catch (error) {
    throw new UsageError((error as Error).message, 'the issuer must be an https URL (http only on 127.0.0.1, ::1 or localhost)', 'invalid_option');
  }
  if (issuer.search || issuer.hash) throw new UsageError(`issuer ${printable(options.issuer, 200)} must not have a query or fragment`, 'use the issuer URL exactly as the provider publishes it', 'invalid_option');
  if (!options.clientId.trim()) throw new UsageError('--client-id is empty', 'pass the client ID the provider registered for mcpkey', 'invalid_option');
  const clientAuth = options.clientAuth ?? 'client_secret_basic';
  const scopes = options.scope?.split(/\s+/).filter(Boolean);
  const config: IdpConfig = { issuer: options.issuer, clientId: options.clientId, clientAuth, ...(scopes?.length ? { scopes } : {}) };
  const replaced = await deps.updateConfig((data) => {
    const existing = data.idps?.[name];
    if (existing && !options.force) {
      throw new UsageError(`identity provider ${name} already exists`, `pass --force to replace it, or remove it first: mcpkey idp remove ${name}`, 'idp_exists');
    }
    data.idps = { ...data.idps, [name]: config };
    return existing !== undefined;
  });
  const secretName = idpSecretName(name);
  return {
    name,
    issuer: config.issuer,
    clientId: config.clientId,
    clientAuth,
    ...(clientAuth !== 'none' ? { secret: { name: secretName, env: mechanicalEnvName(secretName) } } : {}),
    replaced,
    nextSteps: [...(clientAuth !== 'none' ? [`mcpkey secret set ${secretName}`] : []), `mcpkey idp login ${name}`],
    warnings: [],
  };
}

export function printAddIdp(result: AddIdpResult, printer: Printer): void {
  printer.success(`${result.replaced ? 'Replaced' : 'Added'} identity provider ${result.name} (${printable(result.issuer, 200)})`);
  if (result.secret) printer.note(`Its client secret is read from ${result.secret.env}, .env.mcp or the keychain: mcpkey secret set ${result.secret.name}`);
  printer.note(`Then sign in: mcpkey idp login ${result.name}`);
}

export function registerAdd(parent: Command, runtime: Runtime): void {
  parent
    .command('add')
    .description('add a company identity provider (OpenID Connect) that issues enterprise grants')
    .argument('<name>', 'a short name for the provider, e.g. corp')
    .requiredOption('--issuer <url>', "the provider's issuer URL")
    .requiredOption('--client-id <id>', 'the client registered for mcpkey at the provider')
    .addOption(new Option('--client-auth <method>', 'how that client authenticates (default client_secret_basic; its secret: idp-NAME.oauth_client_secret)').choices([...IDP_CLIENT_AUTH]))
    .option('--scope <scopes>', 'scopes to ask for at sign-in besides openid (e.g. offline_access)')
    .option('--force', 'replace a provider of the same name')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'mcpkey idp add corp --issuer https://login.example.com --client-id mcpkey',
        'mcpkey secret set idp-corp.oauth_client_secret',
        'mcpkey idp add corp --issuer https://login.example.com --client-id mcpkey --client-auth none --force',
      ),
    )
    .action(
      action<AddIdpOptions & { json?: boolean }>(runtime, async (ctx, [name], options) => {
        const result = await addIdp(name!, options, { updateConfig: (mutate) => ctx.updateConfig(mutate) });
        if (options.json) ctx.printer.json(result);
        else printAddIdp(result, ctx.printer);
      }),
    );
}
