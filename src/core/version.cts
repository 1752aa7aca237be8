// CommonJS, like every module the bin's fast paths load: no ES module loader for `--version`.
import fs = require('node:fs');
import path = require('node:path');

let cached: string | undefined;

/** Read from package.json so that the two never disagree. */
function version(): string {
  cached ??= (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  return cached;
}

export = version;
