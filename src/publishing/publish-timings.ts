import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';

/** The config's publishing durations (milliseconds: the config parses them once, at load). */
@Injectable()
export class PublishTimings {
  constructor(private readonly config: ConfigService) {}

  /** How long after its time a first attempt counts as missed (config `publishing.missedGrace`). */
  missedGraceMs(): number {
    return this.config.loaded.config.publishing.missedGrace;
  }

  /** How long a variant may stay `publishing` before it is taken for dead (config `publishing.reclaimAfter`). */
  reclaimAfterMs(): number {
    return this.config.loaded.config.publishing.reclaimAfter;
  }
}
