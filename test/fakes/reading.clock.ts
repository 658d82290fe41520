import { Clock } from '../../src/clock/clock';

/** A Clock that reads a test's own "now" (a variable the test moves), for services built by hand. */
export class ReadingClock extends Clock {
  constructor(private readonly read: () => Date) {
    super();
  }

  now(): Date {
    return this.read();
  }
}
