import { Body, ForbiddenException, Get, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { AuditRepository } from '../../persistence/audit.repository';
import { TransactionContext } from '../../persistence/transaction-context';
import { WebViews } from '../rendering/web-views';
import { CalendarFeedEntity } from '../session/calendar-feed.entity';
import { newToken, tokenHash } from '../session/token-hash';
import { WebAccess, WebController, WebPublic } from '../web-access.decorator';
import { webBaseUrl } from '../web-base-url';
import type { WebRequest, WebUser } from '../web-user';
import { CalendarFeedBuilder } from './calendar-feed.builder';
import { CalendarFeedRepository } from './calendar-feed.repository';

/** A person keeps at most this many feeds at a time. */
export const MAX_FEEDS_PER_PERSON = 20;
/** How a feed is named on the page and in the audit log: the start of its token's hash, never the token. */
export const shortFeedId = (hash: string) => hash.slice(0, 12);

const createBody = z.looseObject({
  scope: z.enum(['person', 'brand']),
  brand: z.string().max(100).optional(),
});
const FEED_FILE = /^([A-Za-z0-9_-]{43})\.ics$/;
const SHORT_ID = /^[0-9a-f]{12}$/;

/**
 * Calendar feeds (ICS): /feeds lists the person's secret calendar URLs, creates and revokes them; the URL
 * itself (/feeds/<token>.ics) is public, as calendar apps fetch it without a session. Only the token's sha256
 * is stored, so the full URL is shown once, on the page answering its creation.
 */
@WebController('feeds')
export class FeedsController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly feeds: CalendarFeedRepository,
    private readonly builder: CalendarFeedBuilder,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionContext,
    private readonly clock: Clock,
  ) {}

  @WebAccess('signed-in')
  @Get()
  async list(@Req() request: WebRequest): Promise<string> {
    return this.page(request);
  }

  /** Creates a feed and answers the page with its URL, shown this once (no redirect: the token is in no other URL). */
  @WebAccess('signed-in')
  @Post()
  async create(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Body({ schema: createBody }) body: z.output<typeof createBody>,
  ): Promise<string> {
    const user = request.webUser!;
    const brandId = body.scope === 'brand' ? (body.brand ?? '') : null;
    if (brandId !== null && !user.brands.includes(brandId)) {
      throw new ForbiddenException('You can only subscribe to the calendar of a brand you work on.');
    }
    const active = await this.feeds.activeOf(user.person);
    if (active.length >= MAX_FEEDS_PER_PERSON) {
      throw new ForbiddenException(
        `You have ${MAX_FEEDS_PER_PERSON} calendar feeds already: revoke one you no longer use first.`,
      );
    }
    const token = newToken();
    const hash = tokenHash(token);
    const now = this.clock.now();
    await this.transactions.run(async () => {
      await this.feeds.insert(
        Object.assign(new CalendarFeedEntity(), {
          tokenHash: hash,
          person: user.person,
          scope: body.scope,
          brandId,
          createdAt: now,
          revokedAt: null,
        }),
      );
      await this.audit.append({
        actor: user.person,
        action: 'calendar_feed.created',
        subjectType: 'calendar_feed',
        subjectId: shortFeedId(hash),
        data: { scope: body.scope, brand: brandId },
        at: now,
      });
    });
    response.status(201);
    response.setHeader('Cache-Control', 'no-store');
    return this.page(request, {
      id: shortFeedId(hash),
      url: `${webBaseUrl(this.config.loaded.config)}/feeds/${token}.ics`,
      label: this.label(user, body.scope, brandId),
    });
  }

  @WebAccess('signed-in')
  @Post(':id/revoke')
  async revoke(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
  ): Promise<void> {
    const user = request.webUser!;
    const feed = SHORT_ID.test(id)
      ? (await this.feeds.activeOf(user.person)).find((candidate) => shortFeedId(candidate.tokenHash) === id)
      : undefined;
    if (!feed) {
      throw new NotFoundException('No such calendar feed of yours (revoked already?).');
    }
    const now = this.clock.now();
    await this.transactions.run(async () => {
      if (await this.feeds.revoke(feed.tokenHash, now)) {
        await this.audit.append({
          actor: user.person,
          action: 'calendar_feed.revoked',
          subjectType: 'calendar_feed',
          subjectId: id,
          data: { scope: feed.scope, brand: feed.brandId },
          at: now,
        });
      }
    });
    response.redirect(303, '/feeds');
  }

  /** The feed itself, for calendar apps: public, found by its secret token; 404 once it may no longer be served. */
  @WebPublic()
  @Get(':file')
  async ics(@Param('file') file: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    const token = FEED_FILE.exec(file)?.[1];
    const feed = token ? await this.feeds.byHash(tokenHash(token)) : null;
    const text = feed ? await this.builder.build(feed, this.clock.now()) : undefined;
    if (text === undefined) {
      throw new NotFoundException('No such calendar feed (it may have been revoked).');
    }
    response.type('text/calendar; charset=utf-8');
    response.setHeader('Cache-Control', 'private, max-age=300');
    response.setHeader('Content-Disposition', 'inline; filename="metronome.ics"');
    return text;
  }

  private async page(
    request: WebRequest,
    created?: { id: string; url: string; label: string },
  ): Promise<string> {
    const user = request.webUser!;
    const config = this.config.loaded.config;
    const feeds = (await this.feeds.activeOf(user.person)).filter((feed) => this.builder.servable(feed));
    return this.views.page(
      request,
      'feeds',
      { title: 'Calendar feeds', screen: 'feeds', styles: ['feeds'] },
      {
        created,
        feeds: feeds.map((feed) => ({
          id: shortFeedId(feed.tokenHash),
          label: this.label(user, feed.scope, feed.brandId),
          createdAt: feed.createdAt.toISOString(),
          justCreated: created?.id === shortFeedId(feed.tokenHash),
        })),
        brands: user.brands.map((id) => ({ id, name: config.brands[id].name })),
        timezone: config.organisation.timezone,
        full: feeds.length >= MAX_FEEDS_PER_PERSON,
      },
    );
  }

  private label(user: WebUser, scope: string, brandId: string | null): string {
    return scope === 'brand' && brandId
      ? `${this.config.loaded.config.brands[brandId]?.name ?? brandId} calendar`
      : `What waits on ${user.name}`;
  }
}
