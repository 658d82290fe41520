/** Unit tests: *.spec.ts beside the code. */
const base = require('./test/jest-base');
module.exports = { ...base, rootDir: __dirname, roots: ['<rootDir>/src', '<rootDir>/plugins'], testRegex: '\\.spec\\.ts$' };
