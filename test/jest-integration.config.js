/** Integration and end-to-end suites: real SQLite files, real HTTP, the real CLI. */
const base = require('./jest-base');
module.exports = {
  ...base,
  rootDir: __dirname + '/..',
  roots: ['<rootDir>/test'],
  testRegex: '(int|e2e)-spec\\.ts$',
  testTimeout: 30000,
};
