import { Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { TransactionalEvents } from '../events/transactional-events';
import type { ProfileDifference } from './profile-check.entity';
import { ConnectorInstances } from '../channels/connector-instances';
import { ProfileCheckRepository } from './profile-check.repository';
import { profileDifferences } from './profile-differences';
import { ProfileEnforcer } from './profile-enforcer';

/** How often a channel's live profile is compared with its declared one. */
export const PROFILE_CHECK_EVERY_MS = 6 * 60 * 60_000;

export interface ProfileCheckResult {
  brand: string;
  channel: string;
  differences: ProfileDifference[];
  error?: string;
}

/**
 * Compares each channel's live profile (connectors with the `profile` capability) with the `profile` its
 * config declares, keeps the result in `profile_checks` (the profile-drift guard reads it) and emits
 * `profile.drifted` with the fields that differ — after every check that finds drift, and once with no
 * fields when it clears, so `when:` conditions can clear too. A channel is checked at most once per
 * interval across all schedulers: its row is claimed before the platform is asked. In enforce mode
 * (`profile.mode: enforce`) the drift found is changed back first (ProfileEnforcer) and what is left is recorded.
 */
@Injectable()
export class ProfileChecker {
  private readonly logger = new Logger('Profiles');

  constructor(
    private readonly checks: ProfileCheckRepository,
    private readonly config: ConfigService,
    private readonly connectors: ConnectorInstances,
    private readonly events: TransactionalEvents,
    /** Absent only where a test builds the checker by hand: channels in enforce mode are then only reported. */
    @Optional() private readonly enforcer?: ProfileEnforcer,
  ) {}

  async check(now: Date, options: { brand?: string; force?: boolean } = {}): Promise<ProfileCheckResult[]> {
    const { config, plugins } = this.config.loaded;
    const results: ProfileCheckResult[] = [];
    for (const [brandId, brand] of Object.entries(config.brands)) {
      if (options.brand && options.brand !== brandId) {
        continue;
      }
      for (const [channelKey, channel] of Object.entries(brand.channels)) {
        if (
          !channel.enabled ||
          !channel.profile ||
          !plugins.find('connector', channel.connector)?.capabilities.profile
        ) {
          continue;
        }
        const row = await this.checks.channel(brandId, channelKey);
        const previous = row ? await this.claim(row.id, now, options.force ?? false) : false;
        if (!row || previous === false) {
          continue;
        }
        try {
          const { connector } = await this.connectors.get(brandId, channelKey);
          if (!connector.getProfile) {
            throw new Error(`connector "${channel.connector}" declares profile but has no getProfile()`);
          }
          const found = profileDifferences(channel.profile, await connector.getProfile());
          const differences =
            channel.profile.mode === 'enforce' && this.enforcer
              ? await this.enforcer.enforce(
                  row,
                  connector,
                  channel.profile,
                  found,
                  await this.checks.lastCheck(row.id),
                  now,
                )
              : found;
          await this.events.run(async () => {
            await this.checks.recordResult(row.id, now, differences);
            if (differences.length > 0 || previous.length > 0) {
              this.events.record({
                type: 'profile.drifted',
                brandId,
                subject: { type: 'channel', id: row.id },
                at: now,
                data: { fields: differences.map((d) => d.field).join(',') },
              });
            }
          });
          results.push({ brand: brandId, channel: channelKey, differences });
        } catch (error) {
          const message = (error as Error).message;
          await this.checks.recordError(row.id, message);
          results.push({ brand: brandId, channel: channelKey, differences: previous, error: message });
          this.logger.warn(`profile check ${brandId}/${channelKey}: ${message}`);
        }
      }
    }
    return results;
  }

  /** The differences found last time when this caller may check now, false when the channel is not due. */
  private async claim(channelId: string, now: Date, force: boolean): Promise<ProfileDifference[] | false> {
    const existing = await this.checks.lastCheck(channelId);
    if (!existing) {
      return (await this.checks.claimFirst(channelId, now)) ? [] : false;
    }
    if (!force && now.getTime() - existing.checkedAt.getTime() < PROFILE_CHECK_EVERY_MS) {
      return false;
    }
    return (await this.checks.claimNext(channelId, existing.checkedAt, now)) ? existing.differences : false;
  }
}
