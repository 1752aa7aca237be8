import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CLIENT_AUTH_METHODS, GRANT_KINDS, type AssertionSource, type ClientAuthMethod, type GrantKind, type GrantSettings } from '../core/catalog/types.js';
import { UsageError } from '../core/errors.js';
import { grantSettingsProblem, settingsOf } from '../core/oauth/grants/settings.js';

/** The grant options `oauth authorize` and `server add` share (an entry remembers them). */
export interface GrantOptions {
  grant?: GrantKind;
  clientAuth?: ClientAuthMethod;
  assertionFile?: string;
  assertionEnv?: string;
  githubOidc?: boolean;
  audience?: string;
  idp?: string;
  dpop?: boolean;
}

export function addGrantOptions(command: Command): Command {
  return command
    .addOption(new Option('--grant <kind>', 'how to obtain the token: in the browser (default), or without a person').choices(GRANT_KINDS))
    .addOption(new Option('--client-auth <method>', 'how the client authenticates at the token endpoint').choices(CLIENT_AUTH_METHODS))
    .option('--assertion-file <path>', 'jwt-bearer: read the JWT from this file on every grant (e.g. a projected service-account token)')
    .option('--assertion-env <var>', 'jwt-bearer: read the JWT from this environment variable')
    .option('--github-oidc', "jwt-bearer: use the GitHub Actions job's OIDC token")
    .option('--audience <aud>', 'with --github-oidc: the audience to ask for (default: the authorization server)')
    .option('--idp <name>', 'enterprise: the IdP that issues the assertion (mcpkey idp add)')
    .option('--dpop', 'bind tokens to a key made for the grant (DPoP, RFC 9449); default: when both servers support it')
    .option('--no-dpop', 'plain Bearer tokens, even where DPoP is offered');
}

/** Whether any grant option was given (else an entry's own settings apply). */
export function hasGrantOptions(options: GrantOptions): boolean {
  return [options.grant, options.clientAuth, options.assertionFile, options.assertionEnv, options.githubOidc, options.audience, options.idp, options.dpop].some((value) => value !== undefined);
}

function assertionOf(options: GrantOptions, cwd: string): AssertionSource | undefined {
  const given = [options.assertionFile !== undefined, options.assertionEnv !== undefined, options.githubOidc === true].filter(Boolean).length;
  if (given > 1) throw new UsageError('give one assertion source: --assertion-file, --assertion-env or --github-oidc', 'choose the one your platform provides', 'invalid_option');
  if (options.audience !== undefined && !options.githubOidc) throw new UsageError('--audience applies to --github-oidc only', 'add --github-oidc, or drop --audience', 'invalid_option');
  if (options.assertionFile !== undefined) return { type: 'file', path: resolve(cwd, options.assertionFile) };
  if (options.assertionEnv !== undefined) return { type: 'env', variable: options.assertionEnv };
  if (options.githubOidc) return { type: 'github-oidc', ...(options.audience ? { audience: options.audience } : {}) };
  return undefined;
}

/**
 * The grant settings the options say, over an entry's own: another --grant replaces the entry's
 * grant-specific settings (assertion, IdP), the rest is overlaid. Checked as a catalog entry is.
 */
export function grantSettingsFrom(options: GrantOptions, cwd: string, base: GrantSettings = {}): GrantSettings {
  const assertion = assertionOf(options, cwd);
  const sameGrant = options.grant === undefined || options.grant === (base.grant ?? 'authorization-code');
  const settings: GrantSettings = {
    ...(sameGrant ? base : { ...(base.dpop !== undefined ? { dpop: base.dpop } : {}) }),
    ...(options.grant ? { grant: options.grant } : {}),
    ...(options.clientAuth ? { clientAuth: options.clientAuth } : {}),
    ...(assertion ? { assertion } : {}),
    ...(options.idp ? { idp: options.idp } : {}),
    ...(options.dpop !== undefined ? { dpop: options.dpop } : {}),
  };
  const problem = grantSettingsProblem(settings as Record<string, unknown>);
  if (problem) {
    const hint = /needs an assertion source/.test(problem)
      ? 'add --assertion-file PATH, --assertion-env VAR or --github-oidc'
      : /applies to the jwt-bearer grant/.test(problem)
        ? 'add --grant jwt-bearer'
        : 'see mcpkey oauth authorize --help';
    throw new UsageError(problem.replace(/^"(\w+)"/, (_all, field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`), hint, 'invalid_option');
  }
  return settingsOf(settings);
}
