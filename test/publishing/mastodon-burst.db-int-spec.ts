import { mastodonBurstSuite } from './mastodon-burst.suite';
import { inlineDriver } from './publishing.suite';

/** The Mastodon rate-budget burst on the inline driver (SQLite; Postgres on the service run). */
mastodonBurstSuite(inlineDriver);
