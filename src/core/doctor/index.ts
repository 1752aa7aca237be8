/**
 * `mcpkey doctor`: gathers the facts (keychain, PATH, catalog, grants, the protocol cache, client
 * files) and hands each to a pure check. Offline: nothing here contacts a server.
 */
import { readiness, usesOAuth, type GrantStatusSource, type HostCheck } from '../auth/classify.js';
import type { ResolvedEntry } from '../catalog/types.js';
import type { ClientFileStatus } from '../clients/status.js';
import type { Env } from '../config/paths.js';
import type { StoredGrant } from '../oauth/store.js';
import type { VerdictStore } from '../protocol/verdicts.js';
import type { KeychainStore } from '../secrets/keychain.js';
import { isKeychainError } from '../secrets/keychain-errors.js';
import type { SecretResolver } from '../secrets/resolve.js';
import { checkClientFile } from './clients.js';
import { checkConfig } from './config.js';
import { checkKeychain, type KeychainFact } from './keychain.js';
import { checkLauncher, checkMcpkeyOnPath } from './launchers.js';
import { checkGrant } from './oauth.js';
import { findOnPath, type Exists, type PathLookup } from '../run/launchers.js';
import { checkProtocol, type ProbeResult } from './protocol.js';
import { checkAnythingEnabled, checkServerReady, checkShellOnlySecrets, checkUnknownEnabled } from './servers.js';
import { doctorReport, type Check, type DoctorReport } from './types.js';

export interface DoctorDeps {
  configFile: string;
  /** Why the config file could not be used; catalog and enabled are then the built-in catalog and none. */
  configProblem?: { message: string; hint?: string };
  catalog: readonly ResolvedEntry[];
  enabled: readonly string[];
  resolver: SecretResolver;
  keychain: KeychainStore;
  grants: GrantStatusSource & { grants(): Promise<StoredGrant[]> };
  verdicts: VerdictStore;
  env: Env;
  platform: NodeJS.Platform;
  isExecutable: Exists;
  /** A path with its links resolved (undefined when it cannot be). */
  realpath(file: string): Promise<string | undefined>;
  /** This mcpkey's own executable, if known. */
  self?: string;
  readClientFiles(): Promise<ClientFileStatus[]>;
  now(): number;
  /** `--probe`: connect to each ready remote server once. Without it doctor contacts nothing. */
  probe?(entry: ResolvedEntry): Promise<ProbeResult>;
}

/** Not a secret name (the colon), so no listing ever shows it; deleted right after. */
const PROBE_ACCOUNT = 'mcpkey-doctor:probe';

/**
 * Reading alone cannot tell a locked keyring from an empty one (a search of a locked collection that
 * matches nothing succeeds), so doctor also writes and deletes one throwaway item.
 */
async function keychainFact(deps: DoctorDeps): Promise<KeychainFact> {
  const fact: KeychainFact = { service: deps.keychain.service };
  await deps.resolver.keychainSecrets();
  let error: unknown = deps.resolver.keychainError;
  if (!error) {
    try {
      await deps.keychain.set(PROBE_ACCOUNT, `written by mcpkey doctor at ${new Date(deps.now()).toISOString()}`, { patienceMs: 10_000 });
      await deps.keychain.delete(PROBE_ACCOUNT);
    } catch (failure) {
      if (!isKeychainError(failure)) throw failure;
      error = failure;
    }
  }
  if (error && isKeychainError(error)) fact.problem = { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return fact;
}

function launcherChecks(entries: readonly ResolvedEntry[], deps: DoctorDeps, path: PathLookup): Check[] {
  const needs = new Map<string, string[]>();
  for (const entry of entries) {
    if (entry.transport.type === 'stdio') needs.set(entry.transport.command, [...(needs.get(entry.transport.command) ?? []), entry.name]);
  }
  const checks: Check[] = [];
  for (const [command, servers] of needs) checks.push(checkLauncher(command, servers, findOnPath(command, path, deps.isExecutable)));
  return checks;
}

async function serverChecks(entries: readonly ResolvedEntry[], deps: DoctorDeps, host: HostCheck): Promise<Check[]> {
  const checks: Check[] = [];
  let grants: StoredGrant[] = [];
  try {
    grants = await deps.grants.grants();
  } catch (error) {
    // The keychain check reports it; without grants every OAuth server reads as not authorized.
    if (!isKeychainError(error)) throw error;
  }
  for (const entry of entries) {
    const state = await readiness(entry, deps.resolver, deps.grants, host);
    checks.push(checkServerReady(entry.name, state));
    const origins = [];
    for (const spec of entry.secrets) {
      const found = await deps.resolver.lookupAll(spec.name);
      origins.push({ name: spec.name, sources: found.map((item) => item.source), ...(found[0]?.foundAs ? { foundAs: found[0].foundAs } : {}) });
    }
    const shellOnly = checkShellOnlySecrets(entry.name, origins);
    if (shellOnly) checks.push(shellOnly);
    if (usesOAuth(entry)) {
      const grant = grants.find((item) => item.server === entry.name);
      const check = checkGrant(grant && { server: entry.name, refreshable: Boolean(grant.refreshToken), ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}) }, deps.now());
      if (check) checks.push(check);
    }
    if (entry.transport.type === 'remote') {
      // The key the connection code caches its verdict under.
      const verdict = await deps.verdicts.get(`${entry.name} ${entry.transport.url}`).catch(() => undefined);
      const probed = deps.probe && state.ready ? await deps.probe(entry) : undefined;
      checks.push(checkProtocol(entry.name, verdict && { kind: verdict.kind, seenAt: verdict.seenAt }, probed));
    }
  }
  return checks;
}

export async function diagnose(deps: DoctorDeps): Promise<DoctorReport> {
  const warnings: string[] = [];
  const path: PathLookup = { PATH: deps.env.PATH ?? deps.env.Path, PATHEXT: deps.env.PATHEXT, platform: deps.platform };
  const checks: Check[] = [checkKeychain(await keychainFact(deps)), checkConfig(deps.configFile, deps.configProblem)];

  const found = findOnPath('mcpkey', path, deps.isExecutable);
  checks.push(
    checkMcpkeyOnPath({
      ...(found ? { found, foundReal: await deps.realpath(found) } : {}),
      ...(deps.self ? { self: deps.self, selfReal: await deps.realpath(deps.self) } : {}),
    }),
  );

  const known = new Set(deps.catalog.map((entry) => entry.name));
  const enabled = [...new Set(deps.enabled)];
  const entries = enabled.flatMap((name) => deps.catalog.filter((entry) => entry.name === name));
  const anything = checkAnythingEnabled(enabled.length);
  if (anything) checks.push(anything);
  for (const name of enabled) if (!known.has(name)) checks.push(checkUnknownEnabled(name));
  checks.push(...launcherChecks(entries, deps, path));
  // Readiness looks for launchers on the same PATH, with the same check, as the launcher checks above.
  const host: HostCheck = { hasCommand: (command) => findOnPath(command, path, deps.isExecutable) !== undefined, nodeVersion: process.versions.node };
  checks.push(...(await serverChecks(entries, deps, host)));

  try {
    for (const file of await deps.readClientFiles()) {
      const check = checkClientFile(file, { known, enabled: new Set(enabled) });
      if (check) checks.push(check);
    }
  } catch (error) {
    warnings.push(`the MCP clients' files could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return doctorReport(checks, warnings);
}
