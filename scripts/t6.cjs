const fs = require('fs'), vm = require('vm'), Module = require('module'), path = require('path');
const filename = path.join(__dirname, '../dist/bundle/core.cjs');
const cacheFile = process.env.CF;
const source = fs.readFileSync(filename, 'utf8');
let cachedData; try { cachedData = fs.readFileSync(cacheFile); } catch {}
const script = new vm.Script(Module.wrap(source), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
const m = new Module(filename, module); m.filename = filename; m.paths = Module._nodeModulePaths(path.dirname(filename));
Module._cache[filename] = m;
script.runInThisContext().call(m.exports, m.exports, Module.createRequire(filename), m, filename, path.dirname(filename));
m.loaded = true;
if (process.env.MAKE) process.on('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
if (process.env.SHOW) console.error('rejected', script.cachedDataRejected, cachedData?.length);
const { cli__main: { main }, cli__io: { nodeRuntime } } = m.exports;
main(nodeRuntime(), { fastPathsAsked: true }).then((c) => { process.exitCode = c; });
