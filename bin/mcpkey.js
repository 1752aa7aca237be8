#!/usr/bin/env node
// CommonJS (bin/package.json says so): the fast paths answer without starting node's ES module loader.
'use strict';
const { fastPath, directStdout, watchOutput, outputFailure } = require('../dist/cli/fast.cjs');

/** Whether node has made process[name] yet (it does on first use): an untouched stream has nothing to drain. */
function watchMade(name) {
  const { get, enumerable } = Object.getOwnPropertyDescriptor(process, name);
  let made = false;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable,
    get() {
      made = true;
      return get.call(process);
    },
  });
  return () => made;
}

/** Resolves once everything written to the stream has been handed to the OS (or its reader is gone). */
function drained(stream) {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableLength === 0) return resolve();
    stream.once('error', resolve);
    stream.write('', resolve);
  });
}

async function run() {
  // `--version`, `completion SHELL`, help and tab completion run constantly: answered before main.js and its imports load.
  const stdout = directStdout();
  const answered = await fastPath(process.argv.slice(2), { env: process.env, stdout });
  if (answered !== undefined) {
    process.exitCode = answered;
    // They write nothing to stderr, and to stdout's descriptor directly: a stream is drained only if one was used.
    if (stdout.stream) {
      await drained(stdout.stream);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } else {
    // The core (scripts/bundle.mjs): one CommonJS file with what the constantly run commands need, so
    // that they never start node's ES module loader. Anything else is imported from there when used.
    const { cli__main: { main }, cli__io: { nodeRuntime } } = require('../dist/cli/core.cjs').loadCore();
    const stderrMade = watchMade('stderr');
    watchOutput(process.stdout);
    process.exitCode = await main(nodeRuntime(), { fastPathsAsked: true });
    // Output to a pipe is written asynchronously: exiting before it drains would cut it short.
    await Promise.all([drained(process.stdout), stderrMade() ? drained(process.stderr) : undefined]);
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
