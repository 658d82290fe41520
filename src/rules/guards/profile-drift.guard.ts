import { ChannelEntity } from '../../persistence/entities/channel.entity';
import { ProfileCheckEntity, type ProfileDifference } from '../../persistence/entities/profile-check.entity';
import { Finding, GuardContext, GuardRule } from './guard-rule';

/**
 * A channel whose live profile (bio, links, pinned post, display name) differs from the one its config
 * declares, as the last profile check saw it. The finding disappears when a later check finds it fixed,
 * or when the channel stops declaring a profile, and its incident resolves itself.
 */
export class ProfileDriftGuard implements GuardRule {
  readonly name = 'profile-drift';

  async findings({ config, dataSource }: GuardContext): Promise<Finding[]> {
    const rows = await dataSource
      .getRepository(ProfileCheckEntity)
      .createQueryBuilder('profile_check')
      .innerJoin(ChannelEntity, 'channel', 'channel.id = profile_check.channel_id')
      .where(`profile_check.differences <> '[]'`)
      .select([
        'profile_check.channel_id AS "channelId"',
        'profile_check.differences AS "differences"',
        'channel.brand_id AS "brandId"',
        'channel.key AS "channel"',
      ])
      .getRawMany<{ channelId: string; differences: string; brandId: string; channel: string }>();
    return rows.flatMap((row) => {
      const channel = config.brands[row.brandId]?.channels[row.channel];
      if (!channel?.profile || !channel.enabled) {
        return [];
      }
      const differences = JSON.parse(row.differences) as ProfileDifference[];
      return [
        {
          brandId: row.brandId,
          subjectKey: `channel:${row.channelId}`,
          title: `Profile drift on ${row.brandId}/${row.channel}: ${differences.map((d) => d.field).join(', ')} differ from the config`,
          severity: 'warning' as const,
          details: {
            channel: row.channel,
            differences: differences.map((d) => ({
              field: d.field,
              expected: JSON.stringify(d.expected),
              actual: JSON.stringify(d.actual),
            })),
          },
        },
      ];
    });
  }
}
