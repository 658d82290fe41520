import { bullDriver } from './bull-test-driver';
import { publishingSuite } from './publishing.suite';

/** The publishing suite on Bull with the real Redis (see bullDriver). */
publishingSuite(bullDriver);
