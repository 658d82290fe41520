import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { parsePublishingWindow, PublishingWindow } from '../config/schema/cadence.schema';
import { startOfLocalDay } from '../scheduling/local-time';
import { findSlot, SlotOutcome } from '../scheduling/slot-allocator';
import { PostRepository } from './post.repository';

const HORIZON_DAYS = 120;

/** The instants a campaign's dates (whole local days, both inclusive) allow a post in. */
interface CampaignBounds {
  id: string;
  starts?: Date;
  /** Exclusive: local midnight after the last day. */
  endsBefore?: Date;
  lastDay?: string;
}

/**
 * Finds "next-slot" times from the channels' windows and cadence, against posts already placed, inside the
 * post's campaign dates. When there is no slot the outcome says why, in words for the content file's author.
 */
@Injectable()
export class PostSlotter {
  constructor(private readonly posts: PostRepository) {}

  async nextSlot(input: {
    brand: BrandConfig;
    channels: string[];
    channelIds: Map<string, string>;
    excludePostId: string;
    /** The earliest acceptable time (now plus the approval chain's lead time). */
    from: Date;
    /** The post's campaign id, whose dates bound the slot. */
    campaign?: string | null;
  }): Promise<SlotOutcome> {
    const { brand } = input;
    const channel = input.channels.find((id) => (brand.channels[id]?.cadence?.windows.length ?? 0) > 0);
    const cadence = channel ? brand.channels[channel].cadence : undefined;
    if (!cadence) {
      return {
        reason: '"next-slot" needs publishing windows (cadence.windows) on one of the post\'s channels',
      };
    }
    const campaign = campaignBounds(brand, input.campaign);
    const from = campaign?.starts && campaign.starts > input.from ? campaign.starts : input.from;
    if (campaign?.endsBefore && from >= campaign.endsBefore) {
      return {
        reason: `campaign "${campaign.id}" ended on ${campaign.lastDay}, before the earliest slot that leaves time for approvals (${local(input.from, brand.timezone)}): change the campaign's dates or give the post a time "YYYY-MM-DD HH:MM"`,
      };
    }
    const channelIds = input.channels
      .map((id) => input.channelIds.get(id))
      .filter((id): id is string => !!id);
    const occupied = await this.posts.publishTimesOn(channelIds, input.excludePostId);
    const outcome = findSlot({
      windows: cadence.windows.map((text) => parsePublishingWindow(text) as PublishingWindow),
      timezone: brand.timezone,
      postsPerWeek: cadence.postsPerWeek,
      occupied,
      from,
      until: campaign?.endsBefore,
      horizonDays: HORIZON_DAYS,
    });
    if (outcome.at) {
      return outcome;
    }
    if (campaign?.endsBefore && campaign.endsBefore.getTime() - from.getTime() < HORIZON_DAYS * 86_400_000) {
      return {
        reason: `no free publishing window between ${local(from, brand.timezone)} and the end of campaign "${campaign.id}" (${campaign.lastDay}) for "next-slot": add windows, raise postsPerWeek or extend the campaign`,
      };
    }
    return {
      reason: `no free publishing window in the ${HORIZON_DAYS} days from ${local(from, brand.timezone)} for "next-slot": add windows or raise postsPerWeek`,
    };
  }

  /** Whether a slot chosen earlier is still allowed by the post's campaign dates (they may have changed). */
  fitsCampaign(brand: BrandConfig, campaignId: string | null | undefined, at: Date): boolean {
    const campaign = campaignBounds(brand, campaignId);
    return (
      !(campaign?.starts && at < campaign.starts) && !(campaign?.endsBefore && at >= campaign.endsBefore)
    );
  }
}

function campaignBounds(brand: BrandConfig, id: string | null | undefined): CampaignBounds | undefined {
  const campaign = id ? brand.campaigns[id] : undefined;
  if (!id || !campaign) {
    return undefined;
  }
  const day = (text: string) => DateTime.fromISO(text, { zone: 'UTC' });
  return {
    id,
    starts: campaign.starts ? startOfLocalDay(day(campaign.starts), brand.timezone) : undefined,
    endsBefore: campaign.ends
      ? startOfLocalDay(day(campaign.ends).plus({ days: 1 }), brand.timezone)
      : undefined,
    lastDay: campaign.ends,
  };
}

function local(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-LL-dd HH:mm');
}
