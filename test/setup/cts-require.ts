/**
 * The CommonJS sources (src/**\/*.cts, loaded by the bin's fast paths) require each other as the
 * build names them (`require('./limits.cjs')`). Under vitest there is no build: such a require finds
 * the .cts source next to the requiring one, compiled to CommonJS as tsc compiles it for dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TypeScript from 'typescript';

interface Loader {
  _resolveFilename(request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]): string;
  _extensions: Record<string, (module: { _compile(code: string, file: string): void }, file: string) => void>;
}
const loader = Module as unknown as Loader;

const resolve = loader._resolveFilename;
loader._resolveFilename = function (request, parent, ...rest) {
  if (request.startsWith('.') && request.endsWith('.cjs') && parent?.filename?.endsWith('.cts')) {
    const source = join(dirname(parent.filename), `${request.slice(0, -'.cjs'.length)}.cts`);
    if (existsSync(source)) return source;
  }
  return resolve.call(this, request, parent, ...rest);
};

loader._extensions['.cts'] = (module, file) => {
  // Loaded on first use: most test files never require a .cts.
  const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, file);
};
