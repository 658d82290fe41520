import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { parseDurationMs } from '../config/schema/primitives.schema';

/** The config's publishing durations, parsed once per loaded configuration (they are read on every send). */
@Injectable()
export class PublishTimings {
  private parsed?: { source: object; missedGraceMs: number; reclaimAfterMs: number };

  constructor(private readonly config: ConfigService) {}

  /** How long after its time a first attempt counts as missed (config `publishing.missedGrace`). */
  missedGraceMs(): number {
    return this.current().missedGraceMs;
  }

  /** How long a variant may stay `publishing` before it is taken for dead (config `publishing.reclaimAfter`). */
  reclaimAfterMs(): number {
    return this.current().reclaimAfterMs;
  }

  private current(): { missedGraceMs: number; reclaimAfterMs: number } {
    const publishing = this.config.loaded.config.publishing;
    if (this.parsed?.source !== publishing) {
      this.parsed = {
        source: publishing,
        missedGraceMs: parseDurationMs(publishing.missedGrace) ?? 0,
        reclaimAfterMs: parseDurationMs(publishing.reclaimAfter) ?? 120_000,
      };
    }
    return this.parsed;
  }
}
