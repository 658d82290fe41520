/**
 * The persistence suites again, on the PostgreSQL at 127.0.0.1:5432 (database "test").
 * .ci/run sets METRONOME_TEST_DATABASE_URL; the suites read it to pick the dialect.
 */
const integration = require('./jest-integration.config');
module.exports = {
  ...integration,
  testRegex: '\\.db-int-spec\\.ts$',
  maxWorkers: 1,
};
