// Resolves the `@ciclo/<lib>` imports of the compiled code in dist/.
const path = require('node:path');
require('tsconfig-paths').register({
  baseUrl: path.resolve(__dirname, '../dist'),
  paths: { '@ciclo/*': ['libs/*/src'] },
});
