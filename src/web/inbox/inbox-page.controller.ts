import { Body, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { BrandAccess } from '../../access/brand-access';
import { ChannelRepository } from '../../channels/channel.repository';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { InvalidError } from '../../errors/domain.error';
import type { InboxItemState } from '../../inbox/inbox-item.entity';
import { InboxItemRepository } from '../../inbox/inbox-item.repository';
import { InboxService, type InboxListItem } from '../../inbox/inbox.service';
import { InboxReplies, type InboxReplyView } from '../../inbox/inbox-replies.service';
import { describeExcess, measureText, textLimitsOf, type TextLimits } from '../../plugin-sdk';
import { WebViews } from '../rendering/web-views';
import { WebLinkService } from '../session/web-link.service';
import { newToken } from '../session/token-hash';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest, WebUser } from '../web-user';
import { brandSla, slaAge, type SlaAge } from './inbox-sla';

/**
 * The one-time key a reply form carries: the first POST records it (web_links), so a second POST of the same
 * form does not send a second reply.
 */
export const INBOX_REPLY_PURPOSE = 'inbox-reply';
const REPLY_KEY_LIFETIME_MS = 12 * 3_600_000;
/**
 * Items read (the service's most, newest first) and shown at most: the most urgent are the oldest, so the page
 * sorts the larger list by urgency before it cuts.
 */
const READ_LIMIT = 1000;
const PAGE_LIMIT = 200;

const STATES = ['waiting', 'escalated', 'answered', 'ignored'] as const;
type StateFilter = (typeof STATES)[number];

const listQuery = z.looseObject({
  brand: z.string().max(100).optional(),
  channel: z.string().max(100).optional(),
  state: z.enum(STATES).optional().catch(undefined),
  past: z.literal('1').optional().catch(undefined),
  mine: z.literal('1').optional().catch(undefined),
  done: z.enum(['replied', 'answered', 'ignored', 'duplicate', 'assigned']).optional().catch(undefined),
});
const actionBody = z.looseObject({ back: z.string().max(500).optional() });
const assignBody = z.looseObject({
  assignee: z.string().max(100).default(''),
  back: z.string().max(500).optional(),
});
const replyBody = z.looseObject({
  text: z.string().max(100_000).default(''),
  key: z.string().max(200).default(''),
  back: z.string().max(500).optional(),
});

const DONE_NOTICES = {
  replied: { kind: 'ok', message: 'Your reply was handed to the channel: its state is shown with the item.' },
  answered: { kind: 'ok', message: 'The item is marked as answered.' },
  assigned: { kind: 'ok', message: 'The item’s assignee is changed.' },
  ignored: { kind: 'ok', message: 'The item was set aside: it no longer counts against the SLA.' },
  duplicate: {
    kind: 'warn',
    message: 'That reply form had been sent already: nothing was sent a second time.',
  },
} as const;

const STATE_LABELS: Record<InboxItemState, string> = {
  new: 'Waiting',
  escalated: 'Escalated',
  answered: 'Answered',
  ignored: 'Set aside',
};

const SLA_LABELS = { within: 'Within SLA', near: 'Near SLA', past: 'Past SLA' } as const;
const SLA_BADGES = { within: 'badge-ok', near: 'badge-warn', past: 'badge-danger' } as const;
const REPLY_LABELS = { pending: 'Queued', sending: 'Sending', sent: 'Sent', failed: 'Failed' } as const;
const REPLY_BADGES = {
  pending: 'badge-info',
  sending: 'badge-info',
  sent: 'badge-ok',
  failed: 'badge-danger',
} as const;

/**
 * The inbox: comments, mentions and messages of the person's brands, the most urgent first, with their age in
 * the brand's business hours against its response SLA. People with `inbox` on the item's brand answer, set
 * aside, and reply in place through the channel's connector (InboxReplies sends exactly once).
 */
@WebController()
export class InboxPageController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly inbox: InboxService,
    private readonly replies: InboxReplies,
    private readonly items: InboxItemRepository,
    private readonly channels: ChannelRepository,
    private readonly links: WebLinkService,
    private readonly clock: Clock,
    private readonly access: BrandAccess,
  ) {}

  @WebAccess('view')
  @Get('inbox')
  async page(@Req() request: WebRequest, @Query({ schema: listQuery }) query: z.output<typeof listQuery>) {
    const user = request.webUser!;
    const visible = user.brandsWhere('view');
    const brands = this.config.loaded.config.brands;
    const brand = query.brand && visible.includes(query.brand) ? query.brand : undefined;
    const state: StateFilter = query.state ?? 'waiting';
    const listed = await this.inbox.list({
      brands: visible,
      brand,
      state: state === 'waiting' ? undefined : state === 'escalated' ? 'escalated' : state,
      limit: READ_LIMIT,
    });
    const now = this.clock.now();
    const slas = new Map(visible.map((id) => [id, brandSla(brands[id])]));
    let rows = listed
      .filter((item) => !query.channel || item.channel === query.channel)
      .map((item) => ({ item, age: slaAge(item.receivedAt, item.answeredAt ?? now, slas.get(item.brand)!) }));
    if (query.past) {
      rows = rows.filter((row) => row.age.status === 'past' && waiting(row.item.state));
    }
    if (query.mine) {
      rows = rows.filter((row) => row.item.assignee === user.person);
    }
    if (state === 'waiting' || state === 'escalated') {
      rows.sort(
        (a, b) => b.age.share - a.age.share || a.item.receivedAt.getTime() - b.item.receivedAt.getTime(),
      );
    }
    const shown = await Promise.all(
      rows.slice(0, PAGE_LIMIT).map((row) => this.itemModel(user, row.item, row.age)),
    );
    const filters = new URLSearchParams(
      Object.entries({
        brand,
        channel: query.channel,
        state: query.state,
        past: query.past,
        mine: query.mine,
      }).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    ).toString();
    const back = filters ? `/inbox?${filters}` : '/inbox';
    return this.views.page(
      request,
      'inbox',
      { title: 'Inbox', screen: 'inbox', styles: ['inbox'] },
      {
        items: shown,
        more:
          rows.length > PAGE_LIMIT
            ? { shown: PAGE_LIMIT, of: rows.length, capped: listed.length >= READ_LIMIT }
            : undefined,
        back,
        notice: query.done ? DONE_NOTICES[query.done] : undefined,
        filters: {
          brands: visible.map((id) => ({ id, name: brands[id].name, selected: id === brand })),
          channels: [...new Set(visible.flatMap((id) => Object.keys(brands[id].channels)))].map((key) => ({
            key,
            selected: key === query.channel,
          })),
          states: STATES.map((id) => ({
            id,
            label: id === 'waiting' ? 'Waiting (all unanswered)' : STATE_LABELS[id],
            selected: id === state,
          })),
          past: !!query.past,
          mine: !!query.mine,
        },
      },
    );
  }

  @WebAccess('inbox')
  @Post('inbox/:id/answer')
  async answer(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
    @Body({ schema: actionBody }) body: z.output<typeof actionBody>,
  ): Promise<void> {
    const user = request.webUser!;
    await this.actionable(user, id);
    await this.inbox.answer(id, user.person);
    response.redirect(303, backTo(body.back, 'answered', id));
  }

  @WebAccess('inbox')
  @Post('inbox/:id/ignore')
  async ignore(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
    @Body({ schema: actionBody }) body: z.output<typeof actionBody>,
  ): Promise<void> {
    const user = request.webUser!;
    await this.actionable(user, id);
    await this.inbox.ignore(id, user.person);
    response.redirect(303, backTo(body.back, 'ignored', id));
  }

  /** Gives the item to a person who works this brand's inbox (or to nobody), audited as the signed-in person. */
  @WebAccess('inbox')
  @Post('inbox/:id/assign')
  async assign(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
    @Body({ schema: assignBody }) body: z.output<typeof assignBody>,
  ): Promise<void> {
    const user = request.webUser!;
    const { brand } = await this.actionable(user, id);
    const assignee = body.assignee === '' ? null : body.assignee;
    if (assignee !== null && !this.access.can(assignee, brand, 'inbox')) {
      throw new InvalidError(
        `"${assignee}" does not work the inbox of this brand: choose someone with the community or owner role`,
      );
    }
    await this.inbox.assign(id, assignee, user.person);
    response.redirect(303, backTo(body.back, 'assigned', id));
  }

  /**
   * Replies through the channel's connector. The form's one-time key is claimed first: a second POST of the
   * same form (a double click, a reload) sends nothing. The text is checked against the connector's limits
   * before the key is used, so a text too long can be shortened and sent with the same form.
   */
  @WebAccess('inbox')
  @Post('inbox/:id/reply')
  async reply(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
    @Body({ schema: replyBody }) body: z.output<typeof replyBody>,
  ): Promise<void> {
    const user = request.webUser!;
    const { connector } = await this.actionable(user, id);
    const limits = this.replyLimits(connector);
    if (!limits) {
      throw new InvalidError(
        `${connector} cannot reply from Metronome: answer on ${networkName(connector)}, then mark the item answered`,
      );
    }
    const problem = textProblem(body.text, limits, connector);
    if (problem) {
      throw new InvalidError(problem);
    }
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(body.key)) {
      throw new InvalidError('this reply form is out of date: reload the page and send it again');
    }
    const recorded = await this.links.record(body.key, {
      person: user.person,
      purpose: INBOX_REPLY_PURPOSE,
      subject: id,
      lifetimeMs: REPLY_KEY_LIFETIME_MS,
    });
    if (recorded === 'duplicate') {
      response.redirect(303, backTo(body.back, 'duplicate', id));
      return;
    }
    if (recorded === 'conflict') {
      throw new InvalidError('this reply form is out of date: reload the page and send it again');
    }
    await this.replies.reply(id, body.text, user.person);
    response.redirect(303, backTo(body.back, 'replied', id));
  }

  /** The live character count under a reply box (htmx): measured as the connector measures it. */
  @WebAccess('inbox')
  @HttpCode(200)
  @Post('inbox/:id/reply/count')
  async count(
    @Req() request: WebRequest,
    @Param('id') id: string,
    @Body({ schema: replyBody }) body: z.output<typeof replyBody>,
  ): Promise<string> {
    const { connector } = await this.actionable(request.webUser!, id);
    const limits = this.replyLimits(connector);
    return this.views.fragment(request, 'partials/inbox-count', {
      count: limits ? countOf(body.text, limits, connector) : undefined,
    });
  }

  /** The item's brand and connector, when the person may work this item's inbox (404 if they cannot see it). */
  private async actionable(user: WebUser, id: string): Promise<{ brand: string; connector: string }> {
    const item = await this.items.byId(id);
    const channel = item ? await this.channels.byId(item.channelId) : null;
    user.requireOn(item && channel?.brandId, 'inbox', `inbox item ${id}`, 'working its inbox');
    return { brand: channel!.brandId, connector: channel!.connector };
  }

  /** The people who work the brand's inbox, for the assign list. */
  private assigneesOf(brand: string, current: string | null) {
    const people = this.config.loaded.config.people;
    return Object.keys(people)
      .filter((person) => this.access.can(person, brand, 'inbox'))
      .map((person) => ({ id: person, name: people[person].name, selected: person === current }));
  }

  /** The connector's text limits when it can reply, else undefined. */
  private replyLimits(connector: string): TextLimits | undefined {
    const plugin = this.config.loaded.plugins.find('connector', connector);
    return plugin?.capabilities.reply ? textLimitsOf(plugin.capabilities) : undefined;
  }

  private async itemModel(user: WebUser, item: InboxListItem, age: SlaAge) {
    const brand = this.config.loaded.config.brands[item.brand];
    const connector = brand.channels[item.channel]?.connector ?? 'unknown';
    const limits = this.replyLimits(connector);
    const canAct = user.can(item.brand, 'inbox');
    const open = waiting(item.state);
    const replies: InboxReplyView[] = limits ? await this.replies.ofItem(item.id) : [];
    // A fresh key per shown form, kept nowhere until the form is sent (showing the page writes nothing).
    const replyKey = canAct && open && limits ? newToken() : undefined;
    return {
      ...item,
      brandName: brand.name,
      zone: brand.timezone,
      stateLabel: STATE_LABELS[item.state],
      open,
      sla: open
        ? { label: age.label, badge: SLA_BADGES[age.status], status: SLA_LABELS[age.status] }
        : undefined,
      answeredAfter: item.state === 'answered' ? age.label : undefined,
      canAct,
      assigneeName: item.assignee
        ? (this.config.loaded.config.people[item.assignee]?.name ?? item.assignee)
        : undefined,
      assignees: canAct && open ? this.assigneesOf(item.brand, item.assignee) : [],
      canReply: !!limits,
      network: networkName(connector),
      replyKey,
      count: limits ? countOf('', limits, connector) : undefined,
      replies: replies.map((reply) => ({
        ...reply,
        stateLabel: REPLY_LABELS[reply.state],
        badge: REPLY_BADGES[reply.state],
      })),
    };
  }
}

function waiting(state: InboxItemState): boolean {
  return state === 'new' || state === 'escalated';
}

/** "bluesky" → "Bluesky". */
function networkName(connector: string): string {
  return connector.charAt(0).toUpperCase() + connector.slice(1);
}

/** Why this reply cannot be sent as written (the same measure InboxReplies applies), or undefined. */
function textProblem(text: string, limits: TextLimits, connector: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') {
    return 'the reply is empty: write its text';
  }
  const excess = describeExcess(measureText(trimmed, limits), limits);
  return excess ? `the reply is too long for ${connector}: ${excess}; shorten it` : undefined;
}

function countOf(text: string, limits: TextLimits, connector: string) {
  const measure = measureText(text.trim(), limits, (limits.graphemes ?? Number.POSITIVE_INFINITY) + 1_000);
  const excess = text.trim() === '' ? undefined : describeExcess(measure, limits);
  return {
    characters: measure.characters,
    limit: limits.graphemes,
    bytes: limits.bytes,
    over: excess ? `too long for ${connector}: ${excess}` : undefined,
  };
}

/** Back to the list the form was on (an /inbox address only), with what happened, at the item. */
function backTo(back: string | undefined, done: keyof typeof DONE_NOTICES, id: string): string {
  const base = typeof back === 'string' && /^\/inbox(\?[^\s#]*)?$/.test(back) ? back : '/inbox';
  return `${base}${base.includes('?') ? '&' : '?'}done=${done}#item-${encodeURIComponent(id)}`;
}
