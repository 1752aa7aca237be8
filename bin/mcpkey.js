#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { nodeRuntime } from '../dist/cli/io.js';

/** Resolves once everything written to the stream has been handed to the OS (or its reader is gone). */
function drained(stream) {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableLength === 0) return resolve();
    stream.once('error', resolve);
    stream.write('', resolve);
  });
}

process.exitCode = await main(nodeRuntime());
// Output to a pipe is written asynchronously: exiting before it drains would cut it short.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
// Leftover handles (a keychain connection, a closed prompt) must not keep a finished command alive.
process.exit();
