import { validateEntry } from '../catalog/validate.js';
import type { CatalogEntry } from '../catalog/types.js';
import type { Env } from '../config/paths.js';
import { ConfigError, NotFoundError } from '../errors.js';
import { decodeUtf8, fileProblem, readBoundedFile } from '../files.js';
import { parseJsonText } from '../json-text.js';
import { isValidServerName, tryParseSecretName } from '../names.js';
import { parseReference, REFERENCE_SCHEMES, schemeOf, type SecretReference } from '../stores/reference.js';
import { untrusted } from '../text.js';
import { literalCredentialIn } from './literal.js';
import { projectCandidates } from './locate.js';

export { PROJECT_FILE } from './locate.js';

/** What a project commits: servers, the enabled set, references. Never a value. */
export interface ProjectData {
  /** The file's absolute path. */
  file: string;
  /** The enabled set inside the project; absent: the user's own enabled set applies. */
  enabled?: string[];
  /** Full entries, as `server add` writes them into config.json. */
  servers: Record<string, CatalogEntry>;
  /** Secret name → where its value lives. */
  secrets: ReadonlyMap<string, SecretReference>;
}

const FIELDS = new Set(['$schema', 'version', 'enabled', 'servers', 'secrets']);

function invalid(file: string, problem: string): ConfigError {
  return new ConfigError(`${file} is not a valid project file: ${untrusted(problem, 200)}`, 'fix it (README: "The project file"), or set MCPKEY_NO_PROJECT=1 to ignore it', 'project_invalid');
}

function literal(file: string, where: string): ConfigError {
  // The place, never the value: this file is meant for a repository, and so is anything echoed from it.
  return new ConfigError(
    `${file}: ${untrusted(where, 120)} looks like a literal credential; mcpkey does not read a project file that holds one`,
    'keep references only: declare the secret in the entry, use ${VAR} where it goes, and put its reference (op://, vault://, pass://, …) under "secrets"',
    'literal_credential',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSecrets(raw: unknown, file: string): Map<string, SecretReference> {
  if (raw === undefined) return new Map();
  if (!isRecord(raw)) throw invalid(file, '"secrets" must map secret names to references');
  const secrets = new Map<string, SecretReference>();
  for (const [name, value] of Object.entries(raw)) {
    if (!tryParseSecretName(name)) throw invalid(file, `"secrets" has an invalid secret name ${JSON.stringify(name)}`);
    if (typeof value !== 'string') throw invalid(file, `secrets.${name} must be a reference string`);
    const reference = parseReference(value);
    if (reference) {
      secrets.set(name, reference);
      continue;
    }
    const scheme = schemeOf(value);
    // An unknown scheme is a mistake in a reference (`1password://`), never a value to use as it is; a
    // web URL or one with a user part (`postgresql://u:pw@db`) is a value, and may well be a credential.
    if (scheme !== undefined && scheme.length <= 20 && !/^https?$/.test(scheme) && !value.includes('@')) throw invalid(file, `secrets.${name}: unknown reference scheme "${scheme}" (known: ${REFERENCE_SCHEMES.join(', ')})`);
    throw literal(file, `secrets.${name}`);
  }
  return secrets;
}

export function parseProject(text: string, file: string): ProjectData {
  // Never JSON.parse's own message: it quotes the text around the fault, which may be a key.
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw invalid(file, parsed.problem);
  if (!isRecord(parsed.value)) throw invalid(file, 'expected a JSON object');
  const data = parsed.value;
  for (const field of Object.keys(data)) {
    // A field mcpkey does not know is a typo, or a place someone pasted a key: both are refused.
    if (!FIELDS.has(field)) throw invalid(file, `unknown field ${JSON.stringify(field)} (known: ${[...FIELDS].slice(1).join(', ')})`);
  }
  if (data.version !== 1) throw invalid(file, '"version" must be 1');
  const enabled = data.enabled;
  if (enabled !== undefined && (!Array.isArray(enabled) || enabled.some((name) => typeof name !== 'string' || !isValidServerName(name)))) {
    throw invalid(file, '"enabled" must be a list of server names');
  }
  const rawServers = data.servers ?? {};
  if (!isRecord(rawServers)) throw invalid(file, '"servers" must be an object');
  const servers: Record<string, CatalogEntry> = {};
  for (const [name, entry] of Object.entries(rawServers)) {
    const problem = validateEntry(entry, name);
    if (problem) throw invalid(file, `servers.${name}: ${problem}`);
    const where = literalCredentialIn(entry as CatalogEntry);
    if (where) throw literal(file, `servers.${name}.${where}`);
    servers[name] = entry as CatalogEntry;
  }
  const secrets = parseSecrets(data.secrets, file);
  return { file, ...(enabled ? { enabled: [...new Set(enabled as string[])] } : {}), servers, secrets };
}

/** The text of `file`, or undefined when there is none there. */
async function readProjectText(file: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`cannot read ${file}: ${fileProblem(error)}`, 'check the file and its permissions, or set MCPKEY_NO_PROJECT=1 to ignore it', 'project_invalid');
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) throw invalid(file, 'it is not UTF-8 text');
  return text;
}

/**
 * The project around `cwd`: MCPKEY_PROJECT_FILE when set (then it must exist), else the nearest
 * `mcpkey.json` in `cwd` or a directory above it, as git finds its repository. MCPKEY_NO_PROJECT=1: none.
 */
export async function loadProject(cwd: string, env: Env): Promise<ProjectData | undefined> {
  const { named, files } = projectCandidates(cwd, env);
  for (const file of files) {
    const text = await readProjectText(file);
    if (text !== undefined) return parseProject(text, file);
  }
  if (named) throw new NotFoundError(`project file ${files[0]} does not exist`, 'check MCPKEY_PROJECT_FILE, or create it with `mcpkey project init`', 'project_file_missing');
  return undefined;
}
