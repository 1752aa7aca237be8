#!/usr/bin/env node
import { fastPath } from '../dist/cli/fast.js';

/** Resolves once everything written to the stream has been handed to the OS (or its reader is gone). */
function drained(stream) {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableLength === 0) return resolve();
    stream.once('error', resolve);
    stream.write('', resolve);
  });
}

// `--version` and `completion SHELL` run constantly: answered before main.js and its imports load.
if (await fastPath(process.argv.slice(2), (text) => process.stdout.write(text))) {
  process.exitCode = 0;
} else {
  const [{ main }, { nodeRuntime }] = await Promise.all([import('../dist/cli/main.js'), import('../dist/cli/io.js')]);
  process.exitCode = await main(nodeRuntime());
}
// Output to a pipe is written asynchronously: exiting before it drains would cut it short.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
// Leftover handles (a keychain connection, a closed prompt) must not keep a finished command alive.
process.exit();
