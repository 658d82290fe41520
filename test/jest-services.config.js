/**
 * Suites that need the machine's services, run by .ci/run after `npm test`:
 * the persistence suites again on PostgreSQL (METRONOME_TEST_DATABASE_URL=postgres://…), and the
 * Bull queue suites on the Redis at 127.0.0.1:6379 (METRONOME_TEST_REDIS_URL).
 */
const integration = require('./jest-integration.config');
module.exports = {
  ...integration,
  testRegex: '(db-int|services)-spec\\.ts$',
  maxWorkers: 1,
  // Bull's Redis clients (and ioredis reconnect timers) can outlive a suite's close(); without this the run
  // never ends after "Jest did not exit one second after the test run has completed".
  forceExit: true,
};
