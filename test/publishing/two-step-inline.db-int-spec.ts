import { inlineDriver } from './publishing.suite';
import { twoStepSuite } from './two-step.suite';

/** Two-step publishing through the inline driver's rounds (SQLite; Postgres on the service run). */
twoStepSuite(inlineDriver);
