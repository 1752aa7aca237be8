// The score table of a conformance run (called by run.sh, under the suite's Node 22).
//
//   node summary.mjs WORK_DIR LABEL...
//
// For each LABEL (a requirement set such as 2026-07-28, or an extra unscored run) it reads the
// suite's checks (WORK_DIR/results/LABEL/<scenario>-<timestamp>/checks.json) and the adapter's
// record of mcpkey's exit codes (WORK_DIR/records/LABEL/<name>.json). A scenario passes when no
// check failed and the adapter exited 0, or exited at all where the scenario expects the client
// to stop with an error. Exit code 1 when a scored scenario fails.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const [workDir, ...labels] = process.argv.slice(2);

// Scenarios in which the client is expected to give up (allowClientError in the suite, 0.2.0-alpha.12).
const MAY_FAIL = new Set([
  'auth/scope-retry-limit',
  'auth/resource-mismatch',
  'auth/iss-supported-missing',
  'auth/iss-wrong-issuer',
  'auth/iss-unexpected',
  'auth/iss-normalized',
  'auth/metadata-issuer-mismatch',
  'http-invalid-tool-headers',
]);

// Extension scenarios (optional for the suite) of the extensions mcpkey implements: scored here.
const CLAIMED_EXTENSIONS = ['auth/client-credentials-basic', 'auth/client-credentials-jwt', 'auth/wif-jwt-bearer', 'auth/dpop', 'auth/dpop-nonce', 'auth/enterprise-managed-authorization'];

function requirementSet(label) {
  const file = join(here, 'node_modules/@modelcontextprotocol/conformance/requirements', `${label}.yaml`);
  if (!existsSync(file)) return undefined;
  const set = parse(readFileSync(file, 'utf8'));
  const client = (set.not_scored ?? []).filter((entry) => entry.leg === 'client');
  const claimed = client.filter((entry) => entry.reason === 'extension' && CLAIMED_EXTENSIONS.includes(entry.scenario)).map((entry) => entry.scenario);
  const unscored = new Map(client.filter((entry) => !claimed.includes(entry.scenario)).map((entry) => [entry.scenario, entry.reason]));
  return { scored: [...(set.client ?? []), ...claimed], unscored };
}

/** results/LABEL/<scenario>-<ISO timestamp with - for : and .>/checks.json; scenario names contain '/'. */
function suiteResults(dir) {
  const found = new Map();
  const walk = (at) => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (!statSync(path).isDirectory()) continue;
      if (existsSync(join(path, 'checks.json'))) {
        const scenario = relative(dir, path).split(sep).join('/').replace(/-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/, '');
        found.set(scenario, { dir: path, checks: JSON.parse(readFileSync(join(path, 'checks.json'), 'utf8')) });
      } else walk(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

function adapterRecords(dir) {
  const found = new Map();
  if (!existsSync(dir)) return found;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const record = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    found.set(record.scenario, record);
  }
  return found;
}

const oneLine = (text, max = 220) => {
  const line = String(text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

function judge(scenario, result, record) {
  const checks = result?.checks ?? [];
  const count = (status) => checks.filter((c) => c.status === status).length;
  const failed = checks.filter((c) => c.status === 'FAILURE');
  const warned = checks.filter((c) => c.status === 'WARNING');
  const problems = [];
  if (!result) problems.push('no result from the suite');
  const exit = record?.exitCode ?? (result ? '?' : '-');
  if (exit === 'killed') problems.push(`timed out: ${record.note ?? 'the client was stopped'}`);
  else if (typeof exit === 'number' && exit !== 0 && !MAY_FAIL.has(scenario)) problems.push(`mcpkey exited ${exit}, the scenario expects success`);
  else if (exit === '?') problems.push('the adapter left no record (did it start?)');
  return {
    pass: failed.length === 0 && problems.length === 0,
    counts: `${count('SUCCESS')}/${count('SUCCESS') + count('FAILURE')}${warned.length ? ` ${warned.length}w` : ''}`,
    exit: String(exit),
    failed,
    warned,
    problems,
    failedStep: record?.steps?.find((s) => s.exitCode !== 0),
  };
}

let scoredFailures = 0;
let scoredPasses = 0;
for (const label of labels) {
  const set = requirementSet(label);
  const results = suiteResults(join(workDir, 'results', label));
  const records = adapterRecords(join(workDir, 'records', label));
  // A single-scenario run (run.sh --scenario) shows that scenario only.
  const expected = set && !process.env.CONFORMANCE_SCENARIO ? [...set.scored, ...set.unscored.keys()] : [];
  const names = [...new Set([...expected, ...results.keys(), ...records.keys()])];
  const rows = names.map((scenario) => {
    const scored = set ? set.scored.includes(scenario) : false;
    const why = scored ? 'scored' : set?.unscored.get(scenario) ?? 'extra';
    return { scenario, why, scored, ...judge(scenario, results.get(scenario), records.get(scenario)) };
  });
  rows.sort((a, b) => Number(b.scored) - Number(a.scored));
  const scored = rows.filter((r) => r.scored);
  const passing = scored.filter((r) => r.pass).length;
  scoredFailures += scored.length - passing;
  scoredPasses += passing;

  const title = set && !process.env.CONFORMANCE_SCENARIO ? `Requirements ${label}: ${passing}/${scored.length} scored client scenarios pass` : label;
  console.log(`\n${title}\n`);
  if (rows.length === 0) {
    console.log(`  no scenario ran; see logs/${label}.log`);
    scoredFailures += 1;
    continue;
  }
  const width = Math.max(...rows.map((r) => r.scenario.length), 8);
  console.log(`  ${'scenario'.padEnd(width)}  ${'kind'.padEnd(19)}  result  checks   exit`);
  for (const row of rows) {
    console.log(`  ${row.scenario.padEnd(width)}  ${row.why.padEnd(19)}  ${(row.pass ? 'pass' : 'FAIL').padEnd(6)}  ${row.counts.padEnd(7)}  ${row.exit}`);
    for (const check of row.failed) console.log(`      ✗ ${check.id}: ${oneLine(check.errorMessage ?? check.description)}`);
    for (const problem of row.problems) console.log(`      ✗ ${problem}${row.failedStep ? ` (at: ${oneLine(row.failedStep.command, 120)})` : ''}`);
    for (const check of row.warned) console.log(`      ! ${check.id}: ${oneLine(check.errorMessage ?? check.description)}`);
  }
}
console.log(`\nchecks: passed/(passed+failed), w = warnings; exit: mcpkey's exit code at the step that ended the scenario.`);
// One plain closing line: scored scenarios across the requirement sets.
console.log(`conformance: ${scoredPasses} passed, ${scoredFailures} failed`);
process.exit(scoredFailures > 0 ? 1 : 0);
