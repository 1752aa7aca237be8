/**
 * Build step: writes dist/completion-spec.json from the real command tree, so that tab
 * completion knows every command and flag without loading commander at run time, and
 * dist/completion-catalog.json: the built-in entries' names, titles and secrets, without loading the catalog,
 * and dist/help-pages.json: every command's help, for `--help` without commander (src/cli/help-layout.cts).
 */
import { writeFileSync } from 'node:fs';
import { buildProgram } from '../cli/program.js';
import { captureHelp } from '../cli/help-capture.js';
import { nodeRuntime } from '../cli/io.js';
import { buildSpec, NARROWED, type CatalogIndexEntry } from './spec.js';
import { BUILTIN_CATALOG } from '../core/catalog/builtin.js';
import { usesOAuth } from '../core/auth/classify.js';

const narrowed = new Set<string>();
const program = await buildProgram(nodeRuntime());
const spec = buildSpec(program, [], narrowed);
// A renamed command, or one whose argument lost its server tag, would silently complete every server.
const lost = Object.keys(NARROWED).filter((command) => !narrowed.has(command));
if (lost.length > 0) throw new Error(`completion: no server argument on ${lost.map((command) => `\`mcpkey ${command}\``).join(', ')} (see NARROWED in src/completion/spec.ts)`);
writeFileSync(new URL('../completion-spec.json', import.meta.url), `${JSON.stringify(spec)}\n`);
const index: CatalogIndexEntry[] = BUILTIN_CATALOG.map((entry) => ({
  name: entry.name,
  title: entry.title,
  oauth: usesOAuth({ ...entry, source: 'builtin' }),
  secrets: entry.secrets.map(({ name, description }) => ({ name, description })),
}));
writeFileSync(new URL('../completion-catalog.json', import.meta.url), `${JSON.stringify(index)}\n`);
writeFileSync(new URL('../help-pages.json', import.meta.url), `${JSON.stringify(captureHelp(program) ?? null)}\n`);
