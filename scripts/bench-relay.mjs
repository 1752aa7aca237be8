#!/usr/bin/env node
/**
 * The floor of one extra process between an MCP client and its server, for the gateway bench: the
 * server's stdio relayed byte for byte, nothing parsed. What a call costs through this and not directly
 * is the hop itself (two more pipe writes and reads, one more process woken each way).
 */
import { spawn } from 'node:child_process';

const child = spawn(process.argv[2], process.argv.slice(3), { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
child.on('exit', (code) => process.exit(code ?? 0));
