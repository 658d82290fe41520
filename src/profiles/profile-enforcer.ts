import { Injectable, Logger } from '@nestjs/common';
import type { ChannelEntity } from '../channels/channel.entity';
import { AuditRepository } from '../persistence/audit.repository';
import type { Connector, DesiredProfile } from '../plugin-sdk';
import type { ProfileCheckEntity, ProfileDifference } from './profile-check.entity';
import { ProfileCheckRepository } from './profile-check.repository';
import { profileDifferences, type ExpectedProfile } from './profile-differences';

/** After the first refusal of a drift's change, the same change waits this long, doubling with each refusal… */
export const ENFORCE_FIRST_WAIT_MS = 6 * 60 * 60_000;
/** …up to a week. */
const ENFORCE_LONGEST_WAIT_MS = 7 * 24 * 60 * 60_000;

/** What enforcement may change: the pinned post (and the avatar, never compared) stay report-only. */
const ENFORCEABLE = ['displayName', 'bio', 'links'] as const;

/**
 * Profile enforce mode: drift the profile check found is changed back on the platform (`updateProfile`) once per
 * drift. A change the platform refuses is not sent again at every check: the same drift waits (6 h, doubling, at
 * most a week) and keeps its drift incident, which names the platform's reason.
 */
@Injectable()
export class ProfileEnforcer {
  private readonly logger = new Logger('Profiles');

  constructor(
    private readonly checks: ProfileCheckRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** The differences left after enforcing: those found when nothing could be changed, else the new snapshot's. */
  async enforce(
    channel: ChannelEntity,
    connector: Connector,
    expected: ExpectedProfile,
    differences: ProfileDifference[],
    last: ProfileCheckEntity | null,
    now: Date,
  ): Promise<ProfileDifference[]> {
    const name = `${channel.brandId}/${channel.key}`;
    const enforceable = differences.filter((d) => (ENFORCEABLE as readonly string[]).includes(d.field));
    if (enforceable.length === 0) {
      if (last?.enforceKey) {
        await this.checks.recordEnforced(channel.id);
      }
      return differences;
    }
    if (!connector.updateProfile) {
      throw new Error(`connector "${channel.connector}" declares updateProfile but has no updateProfile()`);
    }
    const key = JSON.stringify(enforceable.map((d) => [d.field, d.actual]));
    const sameDrift = last?.enforceKey === key;
    if (sameDrift && last?.enforceRetryAt && now < last.enforceRetryAt) {
      return differences;
    }
    const desired: DesiredProfile = {};
    for (const { field } of enforceable) {
      Object.assign(desired, { [field]: expected[field] });
    }
    try {
      const snapshot = await connector.updateProfile(desired);
      // The snapshot speaks for what was changed; the report-only fields (pinned) stay as the check found them.
      const left = [
        ...differences.filter((d) => !enforceable.includes(d)),
        ...profileDifferences(expected, snapshot).filter((d) =>
          (ENFORCEABLE as readonly string[]).includes(d.field),
        ),
      ];
      await this.checks.recordEnforced(channel.id);
      await this.audit.append({
        actor: 'profiles',
        action: 'profile.enforced',
        subjectType: 'channel',
        subjectId: channel.id,
        data: {
          channel: name,
          changed: enforceable.map((d) => ({ field: d.field, from: d.actual, to: d.expected })),
        },
        at: now,
      });
      this.logger.log(`${name}: ${enforceable.map((d) => d.field).join(', ')} changed back to the config`);
      return left;
    } catch (error) {
      const reason = (error as Error).message ?? String(error);
      const failures = (sameDrift ? (last?.enforceFailures ?? 0) : 0) + 1;
      const wait = Math.min(ENFORCE_LONGEST_WAIT_MS, ENFORCE_FIRST_WAIT_MS * 2 ** (failures - 1));
      await this.checks.recordEnforceRefused(
        channel.id,
        key,
        reason,
        failures,
        new Date(now.getTime() + wait),
      );
      await this.audit.append({
        actor: 'profiles',
        action: 'profile.enforce_refused',
        subjectType: 'channel',
        subjectId: channel.id,
        data: { channel: name, fields: enforceable.map((d) => d.field), reason },
        at: now,
      });
      this.logger.warn(`${name}: the platform refused to change the profile back: ${reason}`);
      return differences;
    }
  }
}
