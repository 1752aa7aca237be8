// make cache: MODE=compile|eval
const fs = require('fs'), vm = require('vm'), Module = require('module'), path = require('path');
const filename = path.join(__dirname, '../dist/bundle/core.cjs');
const script = new vm.Script(Module.wrap(fs.readFileSync(filename, 'utf8')), { filename, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
if (process.env.MODE === 'eval') {
  const m = new Module(filename, module); m.filename = filename; m.paths = Module._nodeModulePaths(path.dirname(filename)); Module._cache[filename] = m;
  script.runInThisContext().call(m.exports, m.exports, Module.createRequire(filename), m, filename, path.dirname(filename));
}
fs.writeFileSync(process.argv[2], script.createCachedData());
