/**
 * Build step: writes dist/completion-spec.json from the real command tree, so that tab
 * completion knows every command and flag without loading commander at run time.
 */
import { writeFileSync } from 'node:fs';
import { buildProgram } from '../cli/program.js';
import { nodeRuntime } from '../cli/io.js';
import { buildSpec } from './spec.js';

const spec = buildSpec(buildProgram(nodeRuntime()));
writeFileSync(new URL('../completion-spec.json', import.meta.url), `${JSON.stringify(spec)}\n`);
