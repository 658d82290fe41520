import { inlineDriver, publishingSuite } from './publishing.suite';

/** The publishing suite on the inline driver (SQLite; Postgres on the service run). */
publishingSuite(inlineDriver);
