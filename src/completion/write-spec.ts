/**
 * Build step: writes dist/completion-spec.json from the real command tree, so that tab
 * completion knows every command and flag without loading commander at run time.
 */
import { writeFileSync } from 'node:fs';
import { buildProgram } from '../cli/program.js';
import { nodeRuntime } from '../cli/io.js';
import { buildSpec, NARROWED } from './spec.js';

const narrowed = new Set<string>();
const spec = buildSpec(await buildProgram(nodeRuntime()), [], narrowed);
// A renamed command, or one whose argument lost its server tag, would silently complete every server.
const lost = Object.keys(NARROWED).filter((command) => !narrowed.has(command));
if (lost.length > 0) throw new Error(`completion: no server argument on ${lost.map((command) => `\`mcpkey ${command}\``).join(', ')} (see NARROWED in src/completion/spec.ts)`);
writeFileSync(new URL('../completion-spec.json', import.meta.url), `${JSON.stringify(spec)}\n`);
