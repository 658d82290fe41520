import { bullDriver } from './bull-test-driver';
import { mastodonBurstSuite } from './mastodon-burst.suite';

/** The Mastodon rate-budget burst on Bull with the real Redis (the budget's block lives there). */
mastodonBurstSuite(bullDriver);
