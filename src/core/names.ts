import { UsageError } from './errors.js';
import { clip, escapeControls } from './text.js';

/** Server names: what users type after `mcpkey server ...` and before the dot of a secret. */
const SERVER_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/** Secret keys may contain dots (e.g. `atlassian.jira.api_token` has key `jira.api_token`). */
const SECRET_KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const SECRET_NAME_FORM = '<server>.<key>, e.g. neon.api_key (server: a-z 0-9 - _; key: letters, digits, _ - .)';

export interface SecretName {
  name: string;
  server: string;
  key: string;
}

export function isValidServerName(name: string): boolean {
  return SERVER_NAME.test(name) && name.length <= 64;
}

/** Whatever follows "=" may be a value typed in the wrong place: never echo it. */
function redactValue(text: string): string {
  const eq = text.indexOf('=');
  return eq === -1 ? text : `${text.slice(0, eq)}=…`;
}

export function assertServerName(name: string): string {
  if (!isValidServerName(name)) {
    throw new UsageError(
      `invalid server name "${printable(redactValue(name))}"`,
      'use lowercase letters, digits, "-" and "_", starting with a letter or digit (e.g. my-server)',
      'invalid_server_name',
    );
  }
  return name;
}

export function tryParseSecretName(name: string): SecretName | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0) return undefined;
  const server = name.slice(0, dot);
  const key = name.slice(dot + 1);
  if (!isValidServerName(server) || !SECRET_KEY.test(key) || key.endsWith('.') || key.length > 128) return undefined;
  return { name, server, key };
}

export function parseSecretName(name: string): SecretName {
  const parsed = tryParseSecretName(name);
  if (!parsed) {
    throw new UsageError(`invalid secret name "${printable(redactValue(name))}"`, `expected ${SECRET_NAME_FORM}`, 'invalid_secret_name');
  }
  return parsed;
}

export function isValidEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/** The mechanical environment name of a secret: `google-maps.api_key` → `GOOGLE_MAPS_API_KEY`. */
export function mechanicalEnvName(secretName: string): string {
  return secretName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Names echo user input; keep control characters out of the terminal. */
export function printable(text: string, max = 80): string {
  return escapeControls(clip(text, max));
}
