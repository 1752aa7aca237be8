#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { nodeRuntime } from '../dist/cli/io.js';

process.exitCode = await main(nodeRuntime());
// Leftover handles (a keychain connection, a closed prompt) must not keep a finished command alive.
process.exit();
