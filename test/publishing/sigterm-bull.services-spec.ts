import { sigtermScenario } from './sigterm-scenario';

// The built CLI on Postgres with the Bull queue on Redis: released claims are handed to another worker by job.
sigtermScenario(
  process.env.METRONOME_TEST_DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite',
  process.env.METRONOME_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
);
