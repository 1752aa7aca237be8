#!/usr/bin/env node
// CommonJS (bin/package.json says so): the fast paths answer without starting node's ES module loader.
'use strict';
const { fastPath, directStdout, watchStreams, outputFailure, stdoutMayBeTerminal } = require('../dist/cli/fast.cjs');

/** Resolves once everything written to the stream has been handed to the OS (or its reader is gone). */
function drained(stream) {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableLength === 0) return resolve();
    stream.once('error', resolve);
    stream.write('', resolve);
  });
}

async function run() {
  // Node makes process.stdout and process.stderr on first use, at a cost: watched, so that only
  // streams something used are made, and drained.
  const { stdoutMade, stderrMade } = watchStreams();
  // Results go straight to stdout's descriptor when it is no terminal.
  const stdout = directStdout(stdoutMade);
  // `--version`, `completion SHELL`, help and tab completion run constantly: answered before main.js and its imports load.
  const answered = await fastPath(process.argv.slice(2), { env: process.env, stdout });
  if (answered !== undefined) {
    process.exitCode = answered;
    // They write nothing to stderr, and to stdout's descriptor directly: a stream is drained only if output went through it.
    if (stdout.stream) {
      await drained(stdout.stream);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } else {
    // The core (scripts/bundle.mjs): one CommonJS file with what the constantly run commands need, so
    // that they never start node's ES module loader. Anything else is imported from there when used.
    const { cli__main: { main }, cli__io: { nodeRuntime } } = require('../dist/cli/core.cjs').loadCore();
    process.exitCode = await main(nodeRuntime(stdoutMayBeTerminal() ? undefined : stdout), { fastPathsAsked: true });
    // Output to a pipe may be written asynchronously: exiting before it drains would cut it short.
    await Promise.all([stdoutMade() ? drained(process.stdout) : undefined, stderrMade() ? drained(process.stderr) : undefined]);
    // A write error is emitted on a later tick: it is seen before the exit.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const failure = outputFailure();
  if (failure) {
    process.stderr.write(`${failure}\n`);
    if (!process.exitCode) process.exitCode = 1;
  }
  // Leftover handles (a keychain connection, a closed prompt) must not keep a finished command alive.
  process.exit();
}

run();
