import { bullDriver } from './bull-test-driver';
import { twoStepSuite } from './two-step.suite';

/** Two-step publishing through Bull with the real Redis (see bullDriver). */
twoStepSuite(bullDriver);
