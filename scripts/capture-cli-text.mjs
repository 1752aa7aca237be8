#!/usr/bin/env node
/**
 * Writes test/fixtures/cli-text-before-lazy-load.json: help, usage errors and completion scripts as
 * mcpkey prints them with EVERY command module loaded (buildProgram without argv), which
 * test/e2e/lazy-load.test.ts compares against the real, lazily loading binary. Run after adding or
 * changing a command: `npm run build && node scripts/capture-cli-text.mjs`.
 * The cases: every noun's and verb's --help (from the build's completion spec), plus the fixed list below.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { buildProgram } from '../dist/cli/program.js';
import { reportError } from '../dist/cli/report.js';

const FIXTURE = new URL('../test/fixtures/cli-text-before-lazy-load.json', import.meta.url);
const FIXED = [
  [], ['help'], ['help', 'server'], ['sever', 'list'], ['lsit'], ['list'], ['--bogus'], ['server'], ['server', 'lsit'],
  ['completion', 'foo'], ['completion', 'bash'], ['completion', 'zsh'], ['completion', 'fish'], ['completion'],
  ['completion', 'constructor'], ['server', 'list', '--bogus'], ['--no-color', '--help'], ['-h'], ['run'],
  ['completion', 'bash', '--json'],
];

const spec = JSON.parse(readFileSync(new URL('../dist/completion-spec.json', import.meta.url), 'utf8'));
const cases = [['--help']];
for (const noun of spec.commands) {
  cases.push([noun.name, '--help']);
  for (const verb of noun.commands) cases.push([noun.name, verb.name, '--help']);
}
cases.push(...FIXED);

async function capture(args) {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdin.end();
  const runtime = {
    argv: args,
    env: { PATH: process.env.PATH, HOME: '/nonexistent', MCPKEY_HOME: '/nonexistent/mcpkey', NO_COLOR: '1' },
    cwd: '/',
    stdin,
    stdout: { write: (text) => ((stdout += text), true) },
    stderr: { write: (text) => ((stderr += text), true) },
  };
  let tree;
  let code;
  try {
    // commander only, never the bin's fast paths: they are what the fixture checks.
    tree = await buildProgram(runtime);
    await tree.parseAsync(args, { from: 'user' });
    code = runtime.exitCode ?? 0;
  } catch (error) {
    code = await reportError(error, runtime, tree);
  }
  return { args, code, stdout, stderr };
}

const results = [];
for (const args of cases) results.push(await capture(args));
writeFileSync(FIXTURE, `${JSON.stringify(results, null, 1)}\n`);
console.log(`capture-cli-text: ${results.length} cases written to ${FIXTURE.pathname}`);
