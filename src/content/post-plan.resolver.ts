import { ConfigIssue } from '../config/config-issue';
import { didYouMean } from '../config/did-you-mean';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { PluginRegistry } from '../plugin-host/plugin-registry';
import { parseLocalDateTime } from '../scheduling/local-time';
import { channelContent, type ChannelContent } from './channel-content';
import { validateChannelContent } from './channel-content.validator';
import { ContentFile } from './content-file.reader';

/** A content file checked against its brand: where it goes, when, and what each channel receives. */
export interface PostPlan {
  channels: string[];
  variants: ChannelContent[];
  /** Undefined for "next-slot": the slot is chosen when the post is stored. */
  fixedPublishAt?: Date;
}

export type PostPlanResult = { ok: true; plan: PostPlan } | { ok: false; issues: ConfigIssue[] };

export async function resolvePostPlan(
  content: ContentFile,
  brand: BrandConfig,
  plugins: PluginRegistry,
): Promise<PostPlanResult> {
  const issues: ConfigIssue[] = [];
  const { frontMatter } = content;
  const enabled = Object.entries(brand.channels)
    .filter(([, channel]) => channel.enabled)
    .map(([id]) => id);
  const channels = frontMatter.channels ?? enabled;
  channels.forEach((channel, index) => {
    if (!enabled.includes(channel)) {
      issues.push({
        ...content.locate(['channels', index]),
        path: ['channels', index],
        message: `unknown channel "${channel}"${didYouMean(channel, enabled)} (channels of brand "${brand.name}": ${enabled.join(', ')})`,
      });
    }
  });
  for (const channel of Object.keys(frontMatter.overrides)) {
    if (!channels.includes(channel)) {
      issues.push({
        ...content.locate(['overrides', channel]),
        path: ['overrides', channel],
        message: `override for "${channel}", which this post does not publish to (channels: ${channels.join(', ')})`,
      });
    }
  }
  const campaigns = Object.keys(brand.campaigns);
  if (frontMatter.campaign && !campaigns.includes(frontMatter.campaign)) {
    issues.push({
      ...content.locate(['campaign']),
      path: ['campaign'],
      message: `unknown campaign "${frontMatter.campaign}"${didYouMean(frontMatter.campaign, campaigns)}: define it under brands.<brand>.campaigns`,
    });
  }
  if (frontMatter.theme && brand.themes.length > 0 && !brand.themes.includes(frontMatter.theme)) {
    issues.push({
      ...content.locate(['theme']),
      path: ['theme'],
      message: `theme "${frontMatter.theme}" is not one of the brand's themes (${brand.themes.join(', ')})${didYouMean(frontMatter.theme, brand.themes)}`,
    });
  }
  let fixedPublishAt: Date | undefined;
  if (frontMatter.publish !== 'next-slot') {
    try {
      fixedPublishAt = parseLocalDateTime(frontMatter.publish, brand.timezone);
    } catch (error) {
      issues.push({
        ...content.locate(['publish']),
        path: ['publish'],
        message: `"${frontMatter.publish}" cannot be placed in ${brand.timezone}: ${(error as Error).message}`,
      });
    }
  } else if (
    channels.every((channel) => enabled.includes(channel)) &&
    !channels.some((channel) => (brand.channels[channel]?.cadence?.windows.length ?? 0) > 0)
  ) {
    issues.push({
      ...content.locate(['publish']),
      path: ['publish'],
      message: `"next-slot" needs publishing windows (cadence.windows) on one of the post's channels, or write a time "YYYY-MM-DD HH:MM"`,
    });
  }
  const variants = channels
    .filter((channel) => enabled.includes(channel))
    .map((channel) => channelContent(content, channel));
  for (const variant of variants) {
    const connector = brand.channels[variant.channel].connector;
    const plugin = plugins.find('connector', connector);
    if (plugin) {
      issues.push(...(await validateChannelContent(content, variant, connector, plugin.capabilities)));
    }
  }
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, plan: { channels, variants, fixedPublishAt } };
}
