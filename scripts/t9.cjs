require('../dist/cli/fast.cjs');
