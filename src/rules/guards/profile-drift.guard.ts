import type { ProfileDifference } from '../../profiles/profile-check.entity';
import { Finding, GuardContext, GuardRule } from './guard-rule';

/**
 * A channel whose live profile (bio, links, pinned post, display name) differs from the one its config
 * declares, as the last profile check saw it. The finding disappears when a later check finds it fixed,
 * or when the channel stops declaring a profile, and its incident resolves itself.
 */
export class ProfileDriftGuard implements GuardRule {
  readonly name = 'profile-drift';
  readonly onByDefault = true;

  async findings({ config, facts }: GuardContext): Promise<Finding[]> {
    const rows = await facts.driftedProfiles();
    return rows.flatMap((row) => {
      const channel = config.brands[row.brandId]?.channels[row.channel];
      if (!channel?.profile || !channel.enabled) {
        return [];
      }
      const { differences } = row;
      return [
        {
          brandId: row.brandId,
          subjectKey: `channel:${row.channelId}`,
          title: `Profile drift on ${row.brandId}/${row.channel}: ${whatDiffers(differences.map((d) => d.field))} from the config`,
          severity: 'warning' as const,
          details: {
            channel: row.channel,
            differences: differences.map((d) => ({
              field: d.field,
              expected: JSON.stringify(d.expected),
              actual: JSON.stringify(d.actual),
            })),
            ...(row.enforceError
              ? { enforce: `the platform refused to change it back: ${row.enforceError}` }
              : {}),
          },
        },
      ];
    });
  }
}

const FIELD_NAMES: Record<ProfileDifference['field'], { name: string; plural: boolean }> = {
  displayName: { name: 'display name', plural: false },
  bio: { name: 'bio', plural: false },
  links: { name: 'links', plural: true },
  pinned: { name: 'pinned post', plural: false },
};

/** "the bio differs", "the links differ", "the display name and bio differ", "the display name, bio and links differ". */
export function whatDiffers(fields: ReadonlyArray<ProfileDifference['field']>): string {
  const names = fields.map((field) => FIELD_NAMES[field].name);
  const list = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const plural = fields.length > 1 || (fields.length === 1 && FIELD_NAMES[fields[0]].plural);
  return `the ${list} ${plural ? 'differ' : 'differs'}`;
}
