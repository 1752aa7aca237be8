import { createInterface } from 'node:readline';
import type { Context } from './context.js';
import { formatSize, SECRET_VALUE_LIMIT } from '../core/limits.js';
import { decodeValue, valueProblem } from '../core/secrets/value.js';
import { readPiped, type Runtime } from './io.js';
import type { Printer } from './output.js';
import { usesOAuth } from '../core/auth/classify.js';
import { findEntry } from '../core/catalog/index.js';
import type { ResolvedEntry } from '../core/catalog/types.js';
import { UsageError } from '../core/errors.js';
import { assertServerName, mechanicalEnvName, printable } from '../core/names.js';
import type { AuthorizeDeps, AuthorizeRequest, AuthorizeResult, PasteReader } from '../core/oauth/authorize.js';
import type { TokenAuthMethod } from '../core/oauth/store.js';
import type { GrantKind, GrantSettings } from '../core/catalog/types.js';
import { isMachineGrant, settingsOf } from '../core/oauth/grants/settings.js';
import { grantCredentials } from './credentials.js';
import { grantSettingsFrom, hasGrantOptions, type GrantOptions } from './grant-options.js';

export interface AuthorizeOptions extends GrantOptions {
  scope?: string;
  clientId?: string;
  clientSecretStdin?: boolean;
  port?: string;
  timeout?: string;
  browser?: boolean;
  device?: boolean;
  resource?: boolean;
}

export interface AuthorizeSummary {
  server: string;
  grant: GrantKind;
  issuer: string;
  clientKind: string;
  scopes: string[];
  expiresAt?: string;
  refreshable: boolean;
  /** `DPoP` when the token is bound to a key (RFC 9449). */
  tokenType: string;
}

/** The entry must be a remote server that authorizes with OAuth. */
export function oauthEntry(catalog: readonly ResolvedEntry[], name: string): ResolvedEntry & { transport: { type: 'remote'; url: string } } {
  const entry = findEntry(catalog, assertServerName(name));
  if (entry.transport.type !== 'remote') {
    throw new UsageError(`${entry.name} is a local server; OAuth applies to remote servers`, `give it its secrets instead: mcpkey server inspect ${entry.name}`, 'not_oauth');
  }
  if (!usesOAuth(entry)) {
    throw new UsageError(`${entry.name} does not use OAuth`, `see mcpkey server inspect ${entry.name}`, 'not_oauth');
  }
  return entry as ResolvedEntry & { transport: { type: 'remote'; url: string } };
}

function parseNumber(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`, `e.g. ${flag} ${min === 1 ? 300 : 8765}`, 'invalid_option');
  }
  return number;
}

export function buildRequest(
  entry: ResolvedEntry & { transport: { url: string } },
  options: AuthorizeOptions,
  extra: { clientSecret?: string; clientMetadataUrl?: string; settings?: GrantSettings },
): AuthorizeRequest {
  const settings = extra.settings ?? {};
  const port = parseNumber(options.port, '--port', 1024, 65535);
  const timeout = parseNumber(options.timeout, '--timeout', 1, 3600) ?? 300;
  return {
    server: entry.name,
    url: entry.transport.url,
    ...(entry.oauth ? { oauth: entry.oauth } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(extra.clientSecret ? { clientSecret: extra.clientSecret } : {}),
    // Grants without a person keep their client authentication in the settings; the browser flow takes a secret method.
    ...(settings.clientAuth && !isMachineGrant(settings.grant) ? { clientAuthMethod: settings.clientAuth as TokenAuthMethod } : {}),
    ...(port !== undefined ? { port } : {}),
    timeoutMs: timeout * 1000,
    openBrowser: options.browser !== false,
    device: options.device === true,
    resourceIndicator: options.resource !== false,
    ...(extra.clientMetadataUrl ? { clientMetadataUrl: extra.clientMetadataUrl } : {}),
    ...(Object.keys(settings).length ? { settings } : {}),
  };
}

export function summarize(result: AuthorizeResult): AuthorizeSummary {
  const { grant } = result;
  return {
    server: grant.server,
    grant: grant.grant ?? 'authorization-code',
    issuer: grant.issuer,
    clientKind: grant.client,
    scopes: grant.scope?.split(' ').filter(Boolean) ?? [],
    ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
    refreshable: grant.refreshToken !== undefined,
    tokenType: grant.tokenType,
  };
}

/** Lets someone on SSH paste the address the browser ended on, when it cannot reach our loopback port. */
export function pasteReader(runtime: Runtime): PasteReader {
  const rl = createInterface({ input: runtime.stdin, output: runtime.stderr as NodeJS.WritableStream, terminal: false });
  const line = new Promise<string>((resolve) => rl.once('line', resolve));
  return { line, close: () => rl.close() };
}

/** The authorization flow with the CLI's real dependencies; `oauth authorize`, `server enable`, `tools` and `run` share it. */
export async function runAuthorize(ctx: Context, name: string, options: AuthorizeOptions): Promise<AuthorizeSummary> {
  const entry = oauthEntry(await ctx.catalog(), name);
  const base = entry.oauth ? settingsOf(entry.oauth) : {};
  const settings = hasGrantOptions(options) ? grantSettingsFrom(options, ctx.runtime.cwd, base) : base;
  if (options.clientSecretStdin && isMachineGrant(settings.grant)) {
    throw new UsageError(
      `the ${settings.grant} grant reads its client secret from the secret chain, not stdin`,
      `store it once: mcpkey secret set ${entry.name}.oauth_client_secret (or set ${mechanicalEnvName(`${entry.name}.oauth_client_secret`)})`,
      'invalid_option',
    );
  }
  if (options.clientSecretStdin && !options.clientId && !(entry.oauth && entry.oauth.clientId)) {
    throw new UsageError('--client-secret-stdin needs a client ID', `pass --client-id too`, 'invalid_option');
  }
  let clientSecret: string | undefined;
  if (options.clientSecretStdin) {
    // Refused, never stored changed: over the limit, not UTF-8, a NUL byte.
    const refuse = (problem: string) => new UsageError(`refusing the client secret: ${problem}`, 'pipe the secret exactly as the provider issued it', 'invalid_value');
    if (ctx.runtime.stdin.isTTY) clientSecret = await ctx.prompts.secret('Client secret');
    else {
      const piped = await readPiped(ctx.runtime.stdin, SECRET_VALUE_LIMIT + 2);
      if (piped === undefined) throw refuse(`it is over the limit of ${formatSize(SECRET_VALUE_LIMIT)}`);
      const text = decodeValue(piped);
      if (text === undefined) throw refuse('it is not valid UTF-8');
      clientSecret = text.replace(/\r?\n$/, '');
    }
    if (!clientSecret) throw new UsageError('the client secret is empty', 'pipe it in: printf %s "$SECRET" | mcpkey oauth authorize NAME --client-id ID --client-secret-stdin', 'empty_value');
    // A reference to a team store (`op://…`): the secret is read from the store, never typed or piped.
    const [{ parseReference }, { StoreSession }] = await Promise.all([import('../core/stores/reference.js'), import('../core/stores/registry.js')]);
    const reference = parseReference(clientSecret);
    if (reference) clientSecret = await new StoreSession(ctx.runtime.env).resolve(reference);
    const problem = valueProblem(clientSecret);
    if (problem) throw refuse(problem);
  }
  const clientMetadataUrl = ctx.runtime.env.MCPKEY_CLIENT_METADATA_URL || (await ctx.config()).clientMetadataUrl;
  const request = buildRequest(entry, options, { ...(clientSecret ? { clientSecret } : {}), ...(clientMetadataUrl ? { clientMetadataUrl } : {}), settings });
  const [{ authorize }, { openBrowser }] = await Promise.all([import('../core/oauth/authorize.js'), import('../core/oauth/browser.js')]);
  const deps: AuthorizeDeps = {
    store: ctx.grants,
    env: ctx.runtime.env,
    notify: (message) => ctx.printer.note(message),
    browser: (url) => openBrowser(url, ctx.runtime.env),
    credentials: grantCredentials(ctx),
    ...(ctx.interactive && !options.clientSecretStdin ? { paste: () => pasteReader(ctx.runtime) } : {}),
  };
  return summarize(await authorize(request, deps));
}

export function printAuthorize(summary: AuthorizeSummary, printer: Printer): void {
  const expiry = summary.expiresAt ? `, token valid until ${summary.expiresAt}` : '';
  // The issuer and scopes are the authorization server's words: escaped, whatever the printer keeps.
  const scopes = summary.scopes.length ? ` (${printable(summary.scopes.join(' '), 500)})` : '';
  const grant = summary.grant === 'authorization-code' ? '' : ` with the ${summary.grant} grant`;
  const bound = summary.tokenType === 'DPoP' ? ', bound to a DPoP key' : '';
  printer.success(`Authorized ${summary.server}${grant} at ${printable(summary.issuer, 500)}${scopes}${expiry}${bound}`);
}
