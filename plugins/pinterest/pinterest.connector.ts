import {
  credentialsOf,
  mediaLinksOf,
  readMediaFile,
  refusedByPlatform,
  z,
  type ChannelMetrics,
  type MediaAttachment,
  type Connector,
  type PluginContext,
  type ProfileSnapshot,
  type PublishAccepted,
  type PublishRequest,
  type PublishResult,
  type PublishStatus,
} from '../../src/plugin-sdk';
import { PinterestApi } from './pinterest-api';
import { PinLedger, resultOf, type PendingPin } from './pinterest-exactly-once';
import type { PinterestOptions } from './pinterest-options.schema';
import {
  isVideo,
  registerVideo,
  uploadVideo,
  VIDEO_CHECK_MS,
  videoKey,
  videoStatus,
  type VideoRecord,
} from './pinterest-video';
import {
  isPinImage,
  MAX_IMAGE_BYTES,
  PinBodyProblem,
  pinBodyOf,
  pinTextOf,
  targetOf,
  type PinImage,
  type PinText,
  type PinTarget,
} from './pinterest-pin-body';

/** Pins per page when lookup reads a board (the API allows 1–250). */
const LOOKUP_PAGE_SIZE = 50;
/** Pages lookup reads at most: a board busier than this during one send window is not searched further. */
const LOOKUP_PAGES = 2;
/** A pin created this long before the send started is not the send's (clocks differ a little). */
const CLOCK_SLACK_MS = 60_000;
/** How long a media URL serves its file: Pinterest fetches images while creating the pin, well within this. */
const MEDIA_URL_LIFETIME_MS = 6 * 3_600_000;
/** Pins whose own analytics fetchMetrics reads, newest recorded first. */
const METRIC_PINS = 25;
/** The figures asked for, in Pinterest's names. */
const METRIC_TYPES = 'IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK';

const digits = z.string().regex(/^\d+$/);

/** A pin as Create Pin and List Pins answer it (v5 OpenAPI `Pin`): only what the connector reads. */
const pinSchema = z.looseObject({
  id: digits,
  board_id: z.string().optional(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  link: z.string().nullish(),
  alt_text: z.string().nullish(),
  created_at: z.string().optional(),
});
type Pin = z.output<typeof pinSchema>;

const pinListSchema = z.looseObject({
  items: z.array(z.unknown()),
  bookmark: z.string().nullish(),
});

const accountSchema = z.looseObject({
  username: z.string().optional(),
  business_name: z.string().nullish(),
  about: z.string().nullish(),
  website_url: z.string().nullish(),
  follower_count: z.number().int().min(0).nullish(),
});

const dailySchema = z.looseObject({
  date: z.string().optional(),
  data_status: z.string().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
});
/** `AnalyticsResponse` / `PinAnalyticsResponse`: an object of splits ("all" without one), each with daily metrics. */
const analyticsSchema = z.record(
  z.string(),
  z.looseObject({ daily_metrics: z.array(dailySchema).optional() }),
);

/**
 * A Pinterest account through API v5: image pins (one image, or a carousel of 2 to 5) on a board, exactly once by an
 * `attempt:` marker and a lookup on the board; delete; followers and the day's impressions, saves, pin clicks and
 * outbound clicks, for the account and for each pin it published.
 */
export class PinterestConnector implements Connector {
  private readonly api: PinterestApi;
  private readonly ledger: PinLedger;

  constructor(
    private readonly context: PluginContext,
    private readonly options: PinterestOptions,
  ) {
    this.api = new PinterestApi(context, options, async () => (await this.tokens()).accessToken);
    this.ledger = new PinLedger(context.state);
  }

  async publish(request: PublishRequest): Promise<PublishResult | PublishAccepted> {
    const earlier = await this.ledger.sent(request.idempotencyKey);
    if (earlier) {
      return earlier;
    }
    if (request.media.some(isVideo)) {
      return this.publishVideo(request);
    }
    let body: Record<string, unknown>;
    let pending: PendingPin;
    try {
      const target = targetOf(request, this.options);
      const text = pinTextOf(request);
      body = pinBodyOf(target, text, await this.imagesOf(request.media));
      pending = { boardId: target.boardId, ...text, since: this.context.clock.now().toISOString() };
    } catch (error) {
      if (error instanceof PinBodyProblem) {
        throw refusedByPlatform('INVALID_PIN', error.message);
      }
      throw error;
    }
    return this.createPin(request.idempotencyKey, pending, body);
  }

  /**
   * A video pin, in two steps: the file is registered and uploaded now, and the post answered "accepted"; `status`
   * creates the pin once Pinterest has processed the video.
   */
  private async publishVideo(request: PublishRequest): Promise<PublishAccepted> {
    const known = await this.context.state.get<VideoRecord>(videoKey(request.idempotencyKey));
    if (known) {
      return { status: 'accepted', handle: request.idempotencyKey, checkAfterMs: VIDEO_CHECK_MS };
    }
    let target: PinTarget;
    let text: PinText;
    try {
      if (request.media.length !== 1) {
        throw new PinBodyProblem('a video pin takes the video alone: remove the other files');
      }
      target = targetOf(request, this.options);
      text = pinTextOf(request);
    } catch (error) {
      if (error instanceof PinBodyProblem) {
        throw refusedByPlatform('INVALID_PIN', error.message);
      }
      throw error;
    }
    const cover = request.extra?.coverSeconds ?? 0;
    if (typeof cover !== 'number' || !Number.isInteger(cover) || cover < 0) {
      throw refusedByPlatform(
        'INVALID_PIN',
        `extra.coverSeconds must be a whole number of seconds, not ${JSON.stringify(cover)}`,
      );
    }
    const registered = await registerVideo(this.api);
    await uploadVideo(
      this.context,
      { uploadUrl: registered.upload_url, fields: registered.upload_parameters ?? {} },
      request.media[0],
      this.options.sandbox,
    );
    const record: VideoRecord = { mediaId: registered.media_id, target, text, coverSeconds: cover };
    await this.context.state.set(videoKey(request.idempotencyKey), record);
    return { status: 'accepted', handle: request.idempotencyKey, checkAfterMs: VIDEO_CHECK_MS };
  }

  /**
   * Where a video post stands (the handle is its key): processed, the pin is created — after looking on the board
   * first when an earlier attempt may have created it (its `attempt:` marker is there).
   */
  async status(handle: string): Promise<PublishStatus> {
    const sent = await this.ledger.sent(handle);
    if (sent) {
      return { status: 'published', result: sent };
    }
    const record = await this.context.state.get<VideoRecord>(videoKey(handle));
    if (!record) {
      return {
        status: 'failed',
        reason: `no video upload is recorded for ${handle}: publish the post again`,
      };
    }
    const processing = await videoStatus(this.api, record.mediaId);
    if (processing === 'failed') {
      return {
        status: 'failed',
        reason:
          'Pinterest could not process the video: check it is an MP4 or MOV of 4 seconds to 15 minutes, then publish again',
      };
    }
    if (processing !== 'succeeded') {
      return { status: 'finishing', checkAfterMs: VIDEO_CHECK_MS };
    }
    if (await this.ledger.pending(handle)) {
      const found = await this.lookupByMarker(handle);
      if (found) {
        return { status: 'published', result: found };
      }
    }
    const pending: PendingPin = {
      boardId: record.target.boardId,
      ...record.text,
      since: this.context.clock.now().toISOString(),
    };
    const body = {
      board_id: record.target.boardId,
      ...(record.target.boardSectionId ? { board_section_id: record.target.boardSectionId } : {}),
      ...(record.text.title ? { title: record.text.title } : {}),
      ...(record.text.description ? { description: record.text.description } : {}),
      ...(record.text.link ? { link: record.text.link } : {}),
      ...(record.text.altText ? { alt_text: record.text.altText } : {}),
      media_source: {
        source_type: 'video_id',
        media_id: record.mediaId,
        cover_image_key_frame_time: record.coverSeconds,
      },
    };
    return { status: 'published', result: await this.createPin(handle, pending, body) };
  }

  /** Create Pin, with the `attempt:` marker written first. */
  private async createPin(
    key: string,
    pending: PendingPin,
    body: Record<string, unknown>,
  ): Promise<PublishResult> {
    await this.ledger.begin(key, pending);
    const pin = await this.api.json(
      {
        method: 'POST',
        path: '/pins',
        json: body,
        creates: true,
        boardNotFound: pending.boardId,
        what: 'publishing a pin',
      },
      pinSchema,
    );
    return this.recorded(key, pin.id);
  }

  async lookup(idempotencyKey: string): Promise<PublishResult | PublishAccepted | undefined> {
    const sent = await this.ledger.sent(idempotencyKey);
    if (sent) {
      return sent;
    }
    if (await this.context.state.get<VideoRecord>(videoKey(idempotencyKey))) {
      // A video accepted earlier: status creates (or finds) its pin.
      return { status: 'accepted', handle: idempotencyKey, checkAfterMs: VIDEO_CHECK_MS };
    }
    return this.lookupByMarker(idempotencyKey);
  }

  /** The pin an attempt created, found on its board by the marker; undefined when there is none. */
  private async lookupByMarker(idempotencyKey: string): Promise<PublishResult | undefined> {
    const pending = await this.ledger.pending(idempotencyKey);
    if (!pending) {
      return undefined;
    }
    const since = Date.parse(pending.since) - CLOCK_SLACK_MS;
    const candidates = (await this.boardPins(pending.boardId))
      .filter((pin) => sameText(pin, pending) && createdAtOf(pin) >= since)
      // The earliest match first: a later identical pin is more likely another post's.
      .sort((a, b) => createdAtOf(a) - createdAtOf(b));
    for (const pin of candidates) {
      const holder = await this.ledger.holder(pin.id);
      if (holder === undefined || holder === idempotencyKey) {
        return this.recorded(idempotencyKey, pin.id);
      }
    }
    return undefined;
  }

  async delete(remoteId: string): Promise<void> {
    if (!/^\d+$/.test(remoteId)) {
      throw refusedByPlatform('INVALID_PIN_ID', `"${remoteId}" is not a Pinterest pin id (digits only)`);
    }
    await this.api.call({
      method: 'DELETE',
      path: `/pins/${remoteId}`,
      alsoFine: [404],
      what: 'deleting a pin',
    });
  }

  async fetchMetrics(day: string): Promise<ChannelMetrics> {
    const account = await this.account('reading the follower count');
    const followers = account.follower_count ?? undefined;
    if (this.options.sandbox) {
      // Analytics are not served in the sandbox (x-sandbox: disabled in the API description).
      return { followers };
    }
    const query = { start_date: day, end_date: day, metric_types: METRIC_TYPES };
    const total = figuresOf(
      await this.api.json(
        { path: '/user_account/analytics', query, what: "reading the account's analytics" },
        analyticsSchema,
      ),
      day,
    );
    const posts: NonNullable<ChannelMetrics['posts']> = [];
    for (const pinId of (await this.ledger.publishedPins()).slice(-METRIC_PINS).reverse()) {
      const response = await this.api.call({
        path: `/pins/${pinId}/analytics`,
        query: { ...query, app_types: 'ALL' },
        alsoFine: [404],
        what: `reading the analytics of pin ${pinId}`,
      });
      if (response.status === 404) {
        continue; // deleted since
      }
      const parsed = analyticsSchema.safeParse(await response.json<unknown>().catch(() => undefined));
      if (parsed.success) {
        const figures = figuresOf(parsed.data, day);
        if (figures.impressions !== undefined || figures.clicks !== undefined || figures.engagements) {
          posts.push({ remoteId: pinId, ...figures });
        }
      }
    }
    return { followers, ...total, ...(posts.length > 0 ? { posts } : {}) };
  }

  /** The account as people see it (`GET /v5/user_account`). The API offers no profile writes. */
  async getProfile(): Promise<ProfileSnapshot> {
    const account = await this.account('reading the profile');
    return {
      displayName: account.business_name || account.username,
      bio: account.about ?? undefined,
      links: account.website_url ? [account.website_url] : [],
    };
  }

  async refreshCredentials(): Promise<boolean> {
    return this.options.accessToken ? false : credentialsOf(this.context).refresh();
  }

  private account(what: string) {
    return this.api.json({ path: '/user_account', what }, accountSchema);
  }

  /** Uploaded (base64) or by URL, as the `images` option says; only JPEG and PNG, each at most 20 MB. */
  private async imagesOf(media: MediaAttachment[]): Promise<PinImage[]> {
    const images: PinImage[] = [];
    for (const item of media) {
      if (!isPinImage(item)) {
        throw new PinBodyProblem(
          `a pin takes JPEG or PNG images, or one MP4 or MOV video alone; this post has ${item.mimeType}`,
        );
      }
      if (this.options.images === 'url') {
        images.push({
          url: mediaLinksOf(this.context).publicUrl(item, { expiresInMs: MEDIA_URL_LIFETIME_MS }),
        });
      } else {
        const bytes = await readMediaFile(item, MAX_IMAGE_BYTES);
        images.push({ contentType: item.mimeType, base64: Buffer.from(bytes).toString('base64') });
      }
    }
    return images;
  }

  /** The board's newest pins (`GET /v5/boards/{id}/pins`), at most LOOKUP_PAGES pages. */
  private async boardPins(boardId: string): Promise<Pin[]> {
    const pins: Pin[] = [];
    let bookmark: string | undefined;
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      const answer = await this.api.json(
        {
          path: `/boards/${boardId}/pins`,
          query: { page_size: String(LOOKUP_PAGE_SIZE), ...(bookmark ? { bookmark } : {}) },
          what: "listing the board's pins",
        },
        pinListSchema,
      );
      for (const item of answer.items) {
        const pin = pinSchema.safeParse(item);
        if (pin.success) {
          pins.push(pin.data);
        }
      }
      bookmark = answer.bookmark ?? undefined;
      if (!bookmark) {
        break;
      }
    }
    return pins;
  }

  private async recorded(idempotencyKey: string, pinId: string): Promise<PublishResult> {
    const holder = await this.ledger.record(idempotencyKey, pinId);
    if (holder !== undefined) {
      throw new Error(
        `plugin pinterest: pin ${pinId} is already recorded for another post (${holder}); this should not happen — report it`,
      );
    }
    return resultOf(pinId);
  }

  private async tokens(): Promise<{ accessToken: string }> {
    if (this.options.accessToken) {
      return { accessToken: this.options.accessToken };
    }
    return credentialsOf(this.context).current();
  }
}

/**
 * When a pin was created, in ms: Pinterest writes `created_at` as ISO 8601, without a zone offset in the answers
 * seen (UTC): a time without one is read as UTC. Unreadable: NaN, so the pin never matches.
 */
export function createdAtOf(pin: Pick<Pin, 'created_at'>): number {
  const value = pin.created_at ?? '';
  return Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`);
}

/** Whether a listed pin carries exactly the marker's text fields (alt text only when the listing shows it). */
function sameText(pin: Pin, pending: PendingPin): boolean {
  const same = (listed: string | null | undefined, sent: string | undefined) =>
    (listed ?? '') === (sent ?? '');
  return (
    same(pin.title, pending.title) &&
    same(pin.description, pending.description) &&
    same(pin.link, pending.link) &&
    (pin.alt_text === undefined || same(pin.alt_text, pending.altText))
  );
}

/** The day's figures from an analytics answer: only a READY day counts (never 0 for "not known yet"). */
function figuresOf(
  answer: z.output<typeof analyticsSchema>,
  day: string,
): Pick<ChannelMetrics, 'impressions' | 'clicks' | 'engagements'> {
  const split = answer.all ?? Object.values(answer)[0];
  const daily = split?.daily_metrics?.find((entry) => entry.date === day && entry.data_status === 'READY');
  const metrics = daily?.metrics;
  if (!metrics) {
    return {};
  }
  const count = (name: string): number | undefined => {
    const value = metrics[name];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  };
  const engagements: Record<string, number> = {};
  const saves = count('SAVE');
  const pinClicks = count('PIN_CLICK');
  if (saves !== undefined) {
    engagements.saves = saves;
  }
  if (pinClicks !== undefined) {
    engagements.pinClicks = pinClicks;
  }
  return {
    impressions: count('IMPRESSION'),
    clicks: count('OUTBOUND_CLICK'),
    ...(Object.keys(engagements).length > 0 ? { engagements } : {}),
  };
}
