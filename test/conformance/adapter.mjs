#!/usr/bin/env node
// The client under test for the official MCP conformance suite (run by run.sh).
//
// The suite starts a mock server for one scenario, then runs this script with the server's URL as
// the last argument and the scenario in MCP_CONFORMANCE_SCENARIO (test data, if any, as JSON in
// MCP_CONFORMANCE_CONTEXT; the wire revision in MCP_CONFORMANCE_PROTOCOL_VERSION). Each scenario is
// played with mcpkey's public commands only, the way a person would: `server add`, `oauth authorize`,
// `tools list`, `tools call`. The first command that fails ends the scenario with its exit code.
//
// Every run gets its own MCPKEY_HOME and keychain service, so scenarios that run in parallel never
// share a catalog, a registration or a grant. No secret or token is printed: commands are shown as
// typed, and the one client secret a scenario hands over goes to mcpkey on stdin.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MCPKEY = resolve(here, '../../bin/mcpkey.js');
const BROWSER = resolve(here, 'browser.mjs');
// What the suite's CIMD scenario expects as client_id (src/scenarios/client/auth/basic-cimd.ts).
const CIMD_URL = 'https://conformance-test.local/client-metadata.json';
// mcpkey's own wait for the sign-in: below the suite's per-scenario timeout (run.sh), so a flow
// that never completes still ends with mcpkey's message instead of a kill.
const AUTHORIZE_TIMEOUT_S = '60';
// The suite starts every scenario at once; on a small machine forty scenarios' worth of Node
// processes and keychain calls at the same moment make D-Bus calls time out. So at most JOBS
// scenarios play at a time (a slot is a directory under the work dir), and each one gets
// SCENARIO_TIMEOUT_MS from the moment it has a slot (run.sh gives the suite a generous timeout).
const JOBS = Number(process.env.CONFORMANCE_JOBS) || Math.max(2, availableParallelism());
const SCENARIO_TIMEOUT_MS = 120_000;

const serverUrl = process.argv.at(-1);
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const protocol = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION;
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT || '{}');

if (!process.env.MCPKEY_CONFORMANCE_KEYRING) {
  // OAuth grants go to the keychain: only ever inside run.sh's private gnome-keyring.
  console.error('adapter.mjs: run it through test/conformance/run.sh (it needs a private keychain)');
  process.exit(2);
}
if (!scenario || !serverUrl || !/^https?:\/\//.test(serverUrl)) {
  console.error('usage: MCP_CONFORMANCE_SCENARIO=<name> adapter.mjs <server-url>');
  process.exit(2);
}

// The entry's name: the scenario, as a valid mcpkey server name.
const name = scenario.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'conformance';
const workDir = process.env.CONFORMANCE_WORK_DIR;
const homes = workDir ? join(workDir, 'homes') : tmpdir();
mkdirSync(homes, { recursive: true });
const home = mkdtempSync(join(homes, `${name}-`));
const recordDir = process.env.CONFORMANCE_RECORD_DIR;
if (recordDir) mkdirSync(recordDir, { recursive: true });
const env = {
  ...process.env,
  MCPKEY_HOME: join(home, 'mcpkey'),
  MCPKEY_KEYCHAIN_SERVICE: `mcpkey-conformance-${name}-${process.pid}`,
  BROWSER,
  ...(recordDir ? { CONFORMANCE_BROWSER_LOG: join(recordDir, `${name}.browser.log`) } : {}),
  NO_COLOR: '1',
};
// Only the CIMD scenario assumes a published client metadata document; elsewhere mcpkey registers.
if (scenario === 'auth/basic-cimd') env.MCPKEY_CLIENT_METADATA_URL = CIMD_URL;
else delete env.MCPKEY_CLIENT_METADATA_URL;

const steps = [];
let current;
let slot;
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** A slot whose owner has exited; a slot being taken or freed right now (no pid file yet or any more) is not. */
function slotOwnerGone(candidate) {
  try {
    const owner = Number(readFileSync(join(candidate, 'pid'), 'utf8'));
    return owner > 0 && !alive(owner);
  } catch {
    return false;
  }
}

/** Waits for one of JOBS slots; a slot whose owner died (killed by the suite) is taken over. */
async function acquireSlot() {
  if (!workDir) return;
  const slots = join(workDir, 'slots');
  mkdirSync(slots, { recursive: true });
  for (;;) {
    for (let i = 0; i < JOBS; i += 1) {
      const candidate = join(slots, String(i));
      try {
        mkdirSync(candidate);
        writeFileSync(join(candidate, 'pid'), String(process.pid));
        slot = candidate;
        return;
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
        if (slotOwnerGone(candidate)) rmSync(candidate, { recursive: true, force: true });
      }
    }
    await sleep(100 + Math.random() * 100);
  }
}
function releaseSlot() {
  if (slot) rmSync(slot, { recursive: true, force: true });
  slot = undefined;
}

/** What happened, for run.sh's score table (the suite itself does not keep the exit code). */
function record(exitCode, note) {
  if (!recordDir) return;
  writeFileSync(join(recordDir, `${name}.json`), JSON.stringify({ scenario, protocol, exitCode, ...(note ? { note } : {}), steps }, null, 2));
}

/** Out of time: stop mcpkey too, so no callback listener outlives the scenario. */
function stop(note) {
  current?.kill('SIGTERM');
  record('killed', note);
  releaseSlot();
  process.exit(143);
}
process.on('SIGTERM', () => stop('stopped by the suite (its scenario timeout)'));

const show = (args) => args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');

function runOnce(args, input, { quiet = false } = {}) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [MCPKEY, ...args], { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!quiet) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!quiet) process.stderr.write(chunk);
    });
    if (input !== undefined) child.stdin.end(input);
    child.on('close', (code, signal) => done({ code: code ?? 128, signal, stdout, stderr }));
  });
}

/** One mcpkey command. Someone may be rebuilding dist/ (`rm -rf dist`): then wait and run it again. */
async function mcpkey(args, { input } = {}) {
  console.log(`\n$ mcpkey ${show(args)}${input !== undefined ? '   # secret on stdin' : ''}`);
  const started = Date.now();
  let result;
  for (let attempt = 1; ; attempt += 1) {
    result = await runOnce(args, input);
    const rebuilding = result.code !== 0 && /ERR_MODULE_NOT_FOUND|Cannot find module/.test(result.stderr) && result.stderr.includes('/dist/');
    if (!rebuilding || attempt === 5) break;
    console.log(`(dist/ is being rebuilt; running the command again in 3 s)`);
    await new Promise((wait) => setTimeout(wait, 3000));
  }
  current = undefined;
  steps.push({ command: `mcpkey ${show(args)}`, exitCode: result.code, ms: Date.now() - started });
  console.log(`-> exit ${result.code}`);
  return result;
}

class StepFailed extends Error {
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** A command that must succeed for the scenario to go on. */
async function must(args, options) {
  const result = await mcpkey(args, options);
  if (result.code !== 0) throw new StepFailed(result.code);
  return result;
}

// Flags that mcpkey may or may not have yet: use them only when its --help shows them. The help
// texts are read once per run (kept in the work dir), not once per scenario.
async function helpOf(...command) {
  const cache = workDir ? join(workDir, `help-${command.join('-')}.txt`) : undefined;
  if (cache && existsSync(cache)) return readFileSync(cache, 'utf8');
  const { code, stdout } = await runOnce([...command, '--help'], undefined, { quiet: true });
  if (cache && code === 0) {
    writeFileSync(`${cache}.${process.pid}`, stdout);
    renameSync(`${cache}.${process.pid}`, cache);
  }
  return stdout;
}
function optionChoices(help, flag) {
  const at = help.indexOf(`${flag} `);
  if (at < 0) return undefined;
  // The option's own text runs until the next option line.
  const block = help.slice(at).split(/\n\s+-/)[0];
  const choices = /\(choices:([^)]*)\)/.exec(block);
  if (choices) return [...choices[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  // Revisions named in the description ("force an MCP revision: 2026-07-28, 2025-11-25, or auto").
  return [...block.matchAll(/\b\d{4}-\d\d-\d\d\b/g)].map((m) => m[0]);
}
await acquireSlot();
setTimeout(() => stop(`no result within ${SCENARIO_TIMEOUT_MS / 1000} s`), SCENARIO_TIMEOUT_MS).unref();
const [listHelp, callHelp, authorizeHelp] = await Promise.all([helpOf('tools', 'list'), helpOf('tools', 'call'), helpOf('oauth', 'authorize')]);

/** `--protocol <revision>` for the wire the suite runs, where the command offers it (CONFORMANCE_NEGOTIATE=1: leave it to mcpkey). */
function protocolFlag(help) {
  if (!protocol || process.env.CONFORMANCE_NEGOTIATE === '1') return [];
  const choices = optionChoices(help, '--protocol');
  if (choices === undefined || (choices.length > 0 && !choices.includes(protocol))) return [];
  return ['--protocol', protocol];
}
/** Accept elicitation requests with their defaults: without a terminal mcpkey otherwise declines. */
function elicitFlag() {
  const choices = optionChoices(callHelp, '--elicit');
  if (choices === undefined || (choices.length > 0 && !choices.includes('accept-defaults'))) return [];
  return ['--elicit', 'accept-defaults'];
}

const addServer = (auth) => must(['server', 'add', name, '--url', serverUrl, ...(auth ? [] : ['--no-auth'])]);
const listTools = (...extra) => must(['tools', 'list', name, ...extra, ...protocolFlag(listHelp)]);
const callTool = (tool, ...extra) => must(['tools', 'call', name, tool, ...extra, ...protocolFlag(callHelp)]);
const tryCallTool = (tool, ...extra) => mcpkey(['tools', 'call', name, tool, ...extra, ...protocolFlag(callHelp)]);

function toolsFrom(stdout) {
  try {
    return JSON.parse(stdout).tools ?? [];
  } catch {
    return [];
  }
}

/** The OAuth scenarios: sign in, then use the server; mcpkey handles 401/403 (refresh, step-up) itself. */
async function oauthScenario() {
  await addServer(true);
  const args = ['oauth', 'authorize', name, '--timeout', AUTHORIZE_TIMEOUT_S, ...protocolFlag(authorizeHelp)];
  let input;
  // Pre-registered clients (and the extensions' client credentials) come from the scenario's context.
  if (context.client_id) args.push('--client-id', context.client_id);
  if (context.client_id && context.client_secret) {
    args.push('--client-secret-stdin');
    input = context.client_secret;
  }
  await must(args, { input });
  // Without a terminal mcpkey never opens a browser unasked: --authorize allows the step-up.
  await listTools('--authorize');
  await callTool('test-tool', '--authorize');
}

/**
 * The authorization extensions mcpkey implements, the way CI uses them: the entry remembers its grant,
 * the credential material comes from environment variables only (the secret chain's first source), no
 * `oauth authorize`: `tools` obtains the token itself. An mcpkey without `--grant` plays them as OAuth.
 */
async function grantScenario(grant, extra = []) {
  if (!(await helpOf('server', 'add')).includes('--grant')) return oauthScenario();
  const variable = (key) => `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_OAUTH_${key}`;
  const args = ['server', 'add', name, '--url', serverUrl, '--grant', grant, '--client-id', context.client_id, ...extra];
  if (context.client_secret) env[variable('CLIENT_SECRET')] = context.client_secret;
  if (context.private_key_pem) {
    env[variable('PRIVATE_KEY')] = context.private_key_pem;
    args.push('--client-auth', 'private_key_jwt');
  }
  if (context.valid_jwt) {
    env.CONFORMANCE_WORKLOAD_JWT = context.valid_jwt;
    args.push('--assertion-env', 'CONFORMANCE_WORKLOAD_JWT');
  }
  await must(args);
  await listTools();
  await callTool('test-tool');
}

/**
 * Enterprise-managed authorization: the suite plays the company IdP (token exchange only; no
 * sign-in page) and hands over the user's ID token, as a script would have it. So: the IdP once
 * (`idp add`, a public client there: the context has no IdP secret), the ID token on stdin
 * (`idp login --id-token-stdin`), then the server as a grant entry like the other extensions.
 */
async function enterpriseScenario() {
  if (!(await helpOf('server', 'add')).includes('--idp')) return oauthScenario();
  const idp = 'conformance-idp';
  await must(['idp', 'add', idp, '--issuer', context.idp_issuer, '--client-id', context.idp_client_id, '--client-auth', 'none']);
  await must(['idp', 'login', idp, '--id-token-stdin'], { input: context.idp_id_token });
  await grantScenario('enterprise', ['--idp', idp]);
}

const scenarios = {
  'auth/enterprise-managed-authorization': enterpriseScenario,
  'auth/client-credentials-basic': () => grantScenario('client-credentials'),
  'auth/client-credentials-jwt': () => grantScenario('client-credentials'),
  'auth/wif-jwt-bearer': () => grantScenario('jwt-bearer'),
  // 2025-11-25 lifecycle: initialize, then one request.
  initialize: async () => {
    await addServer(false);
    await listTools();
  },
  tools_call: async () => {
    await addServer(false);
    await listTools();
    // --arg values are typed after the tool's schema (numbers here).
    await callTool('add_numbers', '--arg', 'a=2', '--arg', 'b=3');
  },
  // The tool asks back (elicitation/create) with every field optional and defaulted.
  'elicitation-sep1034-client-defaults': async () => {
    await addServer(false);
    await callTool('test_client_elicitation_defaults', ...elicitFlag());
  },
  // The tool's SSE response stream closes before the result; the result comes after a GET reconnect.
  'sse-retry': async () => {
    await addServer(false);
    await callTool('test_reconnection');
  },
  // The first request is refused with -32022 (unsupported version); mcpkey must retry.
  'request-metadata': async () => {
    await addServer(false);
    await listTools();
  },
  'http-standard-headers': async () => {
    await addServer(false);
    await listTools();
    await callTool('test_headers');
    await callTool('my-hyphenated-tool');
  },
  // The values to send (edge cases of the Mcp-Param-* encoding) come with the context.
  'http-custom-headers': async () => {
    await addServer(false);
    await listTools();
    for (const call of context.toolCalls ?? []) await callTool(call.name, '--json-args', JSON.stringify(call.arguments ?? {}));
  },
  // One valid tool among eleven whose x-mcp-header annotations are invalid (names from the scenario
  // in the pinned suite): the valid one must work, the others must neither be listed nor reach the
  // server when called by name.
  'http-invalid-tool-headers': async () => {
    await addServer(false);
    await listTools();
    await callTool('valid_tool', '--arg', 'region=us-west1');
    const invalid = [
      'invalid_empty_header',
      'invalid_object_header',
      'invalid_array_header',
      'invalid_null_header',
      'invalid_number_header',
      'invalid_duplicate_same_case',
      'invalid_duplicate_diff_case',
      'invalid_space_in_name',
      'invalid_colon_in_name',
      'invalid_non_ascii_name',
      'invalid_control_char_name',
    ];
    const sent = [];
    for (const tool of invalid) if ((await tryCallTool(tool, '--json-args', '{}')).code === 0) sent.push(tool);
    if (sent.length > 0) {
      console.log(`mcpkey called tools it must refuse: ${sent.join(', ')}`);
      throw new StepFailed(1);
    }
  },
  // A network $ref in a tool schema must never be fetched.
  'json-schema-ref-no-deref': async () => {
    await addServer(false);
    await listTools('--json');
  },
  // Round-trip the focal tool's inputSchema exactly as `tools list --json` shows it.
  'json-schema-2020-12-preservation': async () => {
    await addServer(false);
    const { stdout } = await listTools('--json');
    const focal = toolsFrom(stdout).find((tool) => tool.name === 'json_schema_2020_12_tool');
    if (!focal?.inputSchema) {
      console.log('`tools list --json` shows no inputSchema for json_schema_2020_12_tool; nothing to echo');
      throw new StepFailed(1);
    }
    await callTool('json_schema_echo', '--json-args', JSON.stringify({ schema: focal.inputSchema }));
  },
  // Multi-round-trip tool calls (input_required, requestState echoed byte for byte).
  'sep-2322-client-request-state': async () => {
    await addServer(false);
    await listTools();
    await callTool('test_mrtr_echo_state', ...elicitFlag());
    await callTool('test_mrtr_unrelated');
    await callTool('test_mrtr_no_state', ...elicitFlag());
    await callTool('test_mrtr_no_result_type');
  },
};

const play = scenarios[scenario] ?? (scenario.startsWith('auth/') ? oauthScenario : undefined);
let exitCode = 0;
try {
  if (!play) {
    console.log(`no mapping for scenario ${scenario}`);
    exitCode = 2;
  } else {
    console.log(`scenario ${scenario} (${protocol ?? 'no revision given'}) against ${serverUrl}`);
    await play();
  }
} catch (error) {
  if (!(error instanceof StepFailed)) console.error(error);
  exitCode = error instanceof StepFailed ? error.code : 1;
}
record(exitCode);
releaseSlot();
if (!workDir) rmSync(home, { recursive: true, force: true });
process.exit(exitCode);
