const { AsyncEntry } = require('@napi-rs/keyring');
new AsyncEntry('mcpkey-kr', 'bench.key_7').getPassword().then((v) => process.stdout.write(v + '\n'));
