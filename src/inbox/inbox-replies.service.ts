import { Injectable } from '@nestjs/common';
import { ChannelRepository } from '../channels/channel.repository';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import { InvalidError, NotFoundError } from '../errors/domain.error';
import { AuditRepository } from '../persistence/audit.repository';
import { timeOrderedId } from '../persistence/time-ordered-id';
import { TransactionContext } from '../persistence/transaction-context';
import { describeExcess, measureText, textLimitsOf } from '../plugin-sdk';
import { InboxItemRepository } from './inbox-item.repository';
import { InboxReplyEntity, type InboxReplyState } from './inbox-reply.entity';
import { InboxReplyRepository } from './inbox-reply.repository';
import { InboxReplySender } from './inbox-reply.sender';

/** A reply as the API and the CLI show it. */
export interface InboxReplyView {
  id: string;
  itemId: string;
  channel: string;
  text: string;
  state: InboxReplyState;
  remoteId: string | null;
  url: string | null;
  attempts: number;
  lastError: string | null;
  requestedBy: string;
  requestedAt: Date;
  sentAt: Date | null;
}

export interface ReplyOptions {
  /** Send now and answer with the outcome (default); false leaves it to the scheduler's next inbox round. */
  sendNow?: boolean;
}

/**
 * A person answers an inbox item through the channel's connector. The reply is checked (the connector can reply,
 * the text fits its limits) and stored before anything is sent; InboxReplySender sends it exactly once.
 */
@Injectable()
export class InboxReplies {
  constructor(
    private readonly items: InboxItemRepository,
    private readonly replies: InboxReplyRepository,
    private readonly channels: ChannelRepository,
    private readonly sender: InboxReplySender,
    private readonly config: ConfigService,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionContext,
    private readonly clock: Clock,
  ) {}

  async reply(itemId: string, text: string, by: string, options: ReplyOptions = {}): Promise<InboxReplyView> {
    const now = this.clock.now();
    const item = await this.items.byId(itemId);
    if (!item) {
      throw new NotFoundError(`no inbox item ${itemId}: see \`metronome inbox list\``);
    }
    const channel = await this.channels.byId(item.channelId);
    if (!channel) {
      throw new NotFoundError(`the channel of inbox item ${itemId} is gone`);
    }
    const name = `${channel.brandId}/${channel.key}`;
    const plugin = this.config.loaded.plugins.find('connector', channel.connector);
    if (!plugin?.capabilities.reply) {
      throw new InvalidError(
        `connector "${channel.connector}" of ${name} cannot reply to inbox items (no \`reply\` capability): answer on the platform, then \`metronome inbox answer ${itemId}\``,
        { channel: name, connector: channel.connector },
        'reply_not_supported',
      );
    }
    const trimmed = text.trim();
    if (trimmed === '') {
      throw new InvalidError('the reply is empty: write its text', undefined, 'reply_empty');
    }
    const limits = textLimitsOf(plugin.capabilities);
    const excess = describeExcess(measureText(trimmed, limits), limits);
    if (excess) {
      throw new InvalidError(
        `the reply is too long for ${channel.connector} (${name}): ${excess}; shorten it`,
        { channel: name, connector: channel.connector },
        'reply_too_long',
      );
    }
    const id = timeOrderedId(now.getTime());
    const reply = Object.assign(new InboxReplyEntity(), {
      id,
      itemId,
      channelId: channel.id,
      text: trimmed,
      idempotencyKey: `reply-${id}`,
      state: 'pending',
      remoteId: null,
      url: null,
      attempts: 0,
      lastError: null,
      requestedBy: by,
      requestedAt: now,
      nextAttemptAt: now,
      sentAt: null,
      updatedAt: now,
    } satisfies Partial<InboxReplyEntity>);
    await this.transactions.run(async () => {
      await this.replies.insert(reply);
      await this.audit.append({
        actor: by,
        action: 'inbox.reply_requested',
        subjectType: 'inbox',
        subjectId: itemId,
        data: { reply: id, channel: name },
        at: now,
      });
    });
    const settled = options.sendNow === false ? reply : await this.sender.send(reply, now);
    return view(settled, name);
  }

  /** The replies written to an item, oldest first. */
  async ofItem(itemId: string): Promise<InboxReplyView[]> {
    const item = await this.items.byId(itemId);
    if (!item) {
      throw new NotFoundError(`no inbox item ${itemId}: see \`metronome inbox list\``);
    }
    const channel = await this.channels.byId(item.channelId);
    const name = channel ? `${channel.brandId}/${channel.key}` : item.channelId;
    return (await this.replies.ofItem(itemId)).map((reply) => view(reply, name));
  }
}

function view(reply: InboxReplyEntity, channel: string): InboxReplyView {
  return {
    id: reply.id,
    itemId: reply.itemId,
    channel,
    text: reply.text,
    state: reply.state,
    remoteId: reply.remoteId,
    url: reply.url,
    attempts: reply.attempts,
    lastError: reply.lastError,
    requestedBy: reply.requestedBy,
    requestedAt: reply.requestedAt,
    sentAt: reply.sentAt,
  };
}
