import type { ConfigIssue } from '../config/config-issue';
import { describeExcess, measureText, type TitleLimits } from '../plugin-sdk';
import type { ChannelContent } from './channel-content';
import type { ContentFile } from './content-file.reader';

/**
 * The title one channel publishes (platforms whose posts have a title declare `capabilities.title`) against its
 * limits, counted as the SDK counts text: graphemes and UTF-8 bytes.
 */
export function validateChannelTitle(
  content: ContentFile,
  variant: ChannelContent,
  limits: TitleLimits | undefined,
  where: string,
): ConfigIssue[] {
  if (!limits) {
    return variant.titlePath[0] === 'title'
      ? []
      : [
          {
            ...content.locate(variant.titlePath),
            path: [...variant.titlePath],
            message: `${where}: this connector publishes no title; remove overrides.${variant.channel}.title`,
          },
        ];
  }
  const excess = describeExcess(measureText(variant.title, limits), limits);
  if (!excess) {
    return [];
  }
  const fix =
    variant.titlePath[0] === 'title'
      ? `shorten it, or give this channel its own with overrides.${variant.channel}.title`
      : 'shorten it';
  return [
    {
      ...content.locate(variant.titlePath),
      path: [...variant.titlePath],
      message: `${where}: the title is ${excess}: ${fix}`,
    },
  ];
}
