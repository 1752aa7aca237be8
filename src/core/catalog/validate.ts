import { grantSettingsProblem } from '../oauth/grants/settings.js';
import { isValidEnvName, isValidServerName, printable, tryParseSecretName } from '../names.js';

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

/** Checks the shape of a catalog entry read from disk; returns the first problem, or undefined. */
export function validateEntry(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const entry = value as Record<string, unknown>;
  if (!isValidServerName(name)) return `invalid server name "${printable(name)}"`;
  if (entry.name !== name) return `"name" must be "${printable(name)}"`;
  if (typeof entry.title !== 'string' || typeof entry.description !== 'string') return '"title" and "description" must be strings';
  const transport = entry.transport as Record<string, unknown> | undefined;
  if (typeof transport !== 'object' || transport === null) return '"transport" is missing';
  if (transport.type === 'stdio') {
    if (typeof transport.command !== 'string' || transport.command === '') return 'a stdio entry needs a command';
    if (!isStringArray(transport.args)) return '"transport.args" must be a list of strings';
    if (transport.env !== undefined && !isStringRecord(transport.env)) return '"transport.env" must map names to strings';
  } else if (transport.type === 'remote') {
    if (typeof transport.url !== 'string' || !URL.canParse(transport.url)) return 'a remote entry needs a valid url';
    if (transport.transport !== 'streamable-http' && transport.transport !== 'sse') {
      return '"transport.transport" must be "streamable-http" or "sse"';
    }
    if (transport.headers !== undefined && !isStringRecord(transport.headers)) return '"transport.headers" must map names to strings';
  } else {
    return '"transport.type" must be "stdio" or "remote"';
  }
  if (!Array.isArray(entry.secrets)) return '"secrets" must be a list';
  for (const secret of entry.secrets as Array<Record<string, unknown>>) {
    if (typeof secret !== 'object' || secret === null) return 'each secret must be an object';
    if (typeof secret.name !== 'string' || !tryParseSecretName(secret.name)) return `invalid secret name ${JSON.stringify(secret.name)}`;
    if (typeof secret.env !== 'string' || !isValidEnvName(secret.env)) return `invalid env name ${JSON.stringify(secret.env)}`;
  }
  if (entry.oauth !== undefined && entry.oauth !== false && (typeof entry.oauth !== 'object' || entry.oauth === null)) {
    return '"oauth" must be an object or false';
  }
  if (entry.oauth) {
    const oauth = entry.oauth as Record<string, unknown>;
    if (oauth.clientId !== undefined && (typeof oauth.clientId !== 'string' || oauth.clientId === '')) return '"oauth.clientId" must be a non-empty string';
    const problem = grantSettingsProblem(oauth);
    if (problem) return `oauth: ${problem}`;
  }
  if (entry.requires !== undefined) {
    const requires = entry.requires as Record<string, unknown>;
    if (typeof requires !== 'object' || requires === null || Array.isArray(requires)) return '"requires" must be an object';
    // A Node major version, e.g. 22: a string such as ">=22" would never compare with process.versions.
    if (requires.node !== undefined && !(Number.isInteger(requires.node) && (requires.node as number) >= 1)) {
      return '"requires.node" must be a Node.js major version, e.g. 22';
    }
  }
  return undefined;
}
