require('../dist/cli/core.cjs').loadCore();
