import { Injectable, Logger } from '@nestjs/common';
import { ChannelCredentials } from '../channels/channel-credentials';
import type { ChannelEntity } from '../channels/channel.entity';
import { ChannelRepository } from '../channels/channel.repository';
import { ConnectorInstances, type ConnectorInstance } from '../channels/connector-instances';
import { AuditRepository } from '../persistence/audit.repository';
import { TransactionContext } from '../persistence/transaction-context';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type InboxItemRef,
  type PublishResult,
} from '../plugin-sdk';
import type { InboxItemEntity } from './inbox-item.entity';
import { InboxItemRepository } from './inbox-item.repository';
import type { InboxReplyEntity } from './inbox-reply.entity';
import { InboxReplyRepository } from './inbox-reply.repository';

/** Sends (rate limits excepted) before a reply is given up as failed. */
export const MAX_REPLY_ATTEMPTS = 5;
/** A reply `sending` this long was left by a process that stopped mid-send: the tick reconciles it. */
export const REPLY_SENDING_STALE_MS = 5 * 60_000;

/** 1, 2, 4… minutes after the nth failed attempt, at most an hour. */
function backoffMs(attempts: number): number {
  return Math.min(60 * 60_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends replies exactly once, the way publishing sends posts: a conditional UPDATE claims the reply (`sending`),
 * the connector gets the reply's stable idempotency key, and after an attempt whose outcome could not be known
 * (a timeout after sending, a crash) the platform is asked (`lookup(key)`) before anything is sent again.
 */
@Injectable()
export class InboxReplySender {
  private readonly logger = new Logger('InboxReplies');

  constructor(
    private readonly replies: InboxReplyRepository,
    private readonly items: InboxItemRepository,
    private readonly channels: ChannelRepository,
    private readonly connectors: ConnectorInstances,
    private readonly credentials: ChannelCredentials,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionContext,
  ) {}

  /**
   * Sends a pending reply, or reconciles one left `sending`; returns the reply as it stands after. A reply another
   * worker moved first is returned as that worker left it; one on a channel waiting for a reconnect stays pending.
   */
  async send(reply: InboxReplyEntity, now: Date): Promise<InboxReplyEntity> {
    const channel = await this.channels.byId(reply.channelId);
    const item = await this.items.byId(reply.itemId);
    if (!channel || !item) {
      return reply;
    }
    if (channel.status === 'needs_reconnect') {
      // Sent once a person reconnects the channel (the tick after): until then it says why it waits.
      const waits = `waits for ${channel.brandId}/${channel.key} to be reconnected: ${channel.connector} refused its credentials; renew them, then run \`metronome channels reconnect ${channel.brandId}/${channel.key}\``;
      if (reply.state === 'pending' && reply.lastError !== waits) {
        await this.replies.move(reply, 'pending', { lastError: waits }, now);
      }
      return reply;
    }
    // Any earlier attempt (or a claim left by a crash) may have reached the platform: it is looked up first.
    const mayBeThere = reply.state === 'sending' || reply.attempts > 0;
    if (!(await this.replies.move(reply, 'sending', { attempts: reply.attempts + 1 }, now))) {
      return (await this.replies.byId(reply.id)) ?? reply;
    }
    const instance = await this.connectors.get(channel.brandId, channel.key, channel.credentialsVersion);
    if (mayBeThere) {
      const reconciled = await this.reconcile(reply, item, channel, instance, now);
      if (reconciled !== 'not-found') {
        return reply;
      }
    }
    return this.attempt(reply, item, channel, instance, now, true);
  }

  /** Pending replies that are due, and `sending` ones a stopped process left: the scheduler tick's round. */
  async resume(now: Date, limit = 100): Promise<InboxReplyEntity[]> {
    const due = await this.replies.due(now, new Date(now.getTime() - REPLY_SENDING_STALE_MS), limit);
    const settled: InboxReplyEntity[] = [];
    for (const reply of due) {
      try {
        settled.push(await this.send(reply, now));
      } catch (error) {
        this.logger.warn(`reply ${reply.id} could not be sent: ${(error as Error).message}`);
      }
    }
    return settled;
  }

  private async attempt(
    reply: InboxReplyEntity,
    item: InboxItemEntity,
    channel: ChannelEntity,
    instance: ConnectorInstance,
    now: Date,
    mayRenew: boolean,
  ): Promise<InboxReplyEntity> {
    const { connector } = instance;
    try {
      if (!connector.reply) {
        throw new PermanentError(`connector "${channel.connector}" cannot reply to inbox items`);
      }
      const result = await connector.reply(itemRef(item), {
        idempotencyKey: reply.idempotencyKey,
        text: reply.text,
      });
      const problem = resultProblem(result);
      if (problem) {
        // A broken answer is neither "sent" nor "not sent": a retry could duplicate, so stop and ask a person.
        return this.fail(
          reply,
          `${channel.connector} answered the reply with ${problem}: check the platform`,
          now,
        );
      }
      return this.recordSent(reply, item, channel, result, now);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (error instanceof OutcomeUnknownError) {
        const reconciled = await this.reconcile(reply, item, channel, instance, now);
        return reconciled === 'not-found'
          ? this.later(reply, `${message}; not found on the platform: sending again`, now)
          : reply;
      }
      if (error instanceof RateLimitedError) {
        // The platform refused the moment, not the reply: a wait, not an attempt.
        return this.waitForRateLimit(reply, error, now);
      }
      if (error instanceof AuthenticationError) {
        return this.refused(reply, item, channel, instance, message, now, mayRenew);
      }
      if (error instanceof PermanentError) {
        return this.fail(reply, message, now);
      }
      return this.later(reply, message, now);
    }
  }

  /**
   * Asks the platform for the reply by its key. Found: sent. Not found: the caller sends. A lookup that fails
   * leaves the reply pending (a later round looks it up again before any send).
   */
  private async reconcile(
    reply: InboxReplyEntity,
    item: InboxItemEntity,
    channel: ChannelEntity,
    { connector }: ConnectorInstance,
    now: Date,
  ): Promise<'sent' | 'not-found' | 'settled'> {
    if (!connector.lookup) {
      await this.fail(
        reply,
        `the outcome of the reply is unknown and ${channel.connector} cannot look replies up: check the item on the platform, then reply again if it is not there`,
        now,
      );
      return 'settled';
    }
    let found: PublishResult | undefined;
    try {
      found = (await connector.lookup(reply.idempotencyKey)) as PublishResult | undefined;
    } catch (error) {
      if (error instanceof RateLimitedError) {
        await this.waitForRateLimit(reply, error, now);
      } else {
        await this.later(reply, `looking the reply up failed: ${(error as Error).message}`, now);
      }
      return 'settled';
    }
    if (found === undefined) {
      return 'not-found';
    }
    const problem = resultProblem(found);
    if (problem) {
      await this.fail(
        reply,
        `${channel.connector} looked the reply up and answered ${problem}: check the platform`,
        now,
      );
      return 'settled';
    }
    await this.recordSent(reply, item, channel, found, now);
    return 'sent';
  }

  /** The credentials were refused: the connector renews them once and the reply goes again, or the channel waits. */
  private async refused(
    reply: InboxReplyEntity,
    item: InboxItemEntity,
    channel: ChannelEntity,
    instance: ConnectorInstance,
    message: string,
    now: Date,
    mayRenew: boolean,
  ): Promise<InboxReplyEntity> {
    const renewal = mayRenew ? await this.credentials.renew(channel, instance.connector, now) : undefined;
    if (renewal?.renewed) {
      return this.attempt(reply, item, channel, instance, now, false);
    }
    const why = renewal ? renewal.why : 'refused again after the connector renewed them';
    const reason = why ? `${message} (${why})` : message;
    await this.credentials.refused(channel, reason, now, instance.credentialsVersion);
    // Waits, pending, for the reconnect (the tick skips a channel that needs one); the refusal is not an attempt.
    await this.replies.move(
      reply,
      'pending',
      { attempts: Math.max(0, reply.attempts - 1), lastError: reason, nextAttemptAt: now },
      now,
    );
    return reply;
  }

  private async recordSent(
    reply: InboxReplyEntity,
    item: InboxItemEntity,
    channel: ChannelEntity,
    result: PublishResult,
    now: Date,
  ): Promise<InboxReplyEntity> {
    const sentAt = result.publishedAt instanceof Date ? result.publishedAt : now;
    await this.transactions.run(async () => {
      const moved = await this.replies.move(
        reply,
        'sent',
        { remoteId: result.remoteId, url: result.url ?? null, sentAt, lastError: null },
        now,
      );
      if (!moved) {
        return;
      }
      // The first response counts for the SLA: an earlier answer (by the team on the platform) is kept.
      await this.items.answerByReply(channel.id, item.remoteId, sentAt);
      await this.audit.append({
        actor: reply.requestedBy,
        action: 'inbox.replied',
        subjectType: 'inbox',
        subjectId: item.id,
        data: {
          reply: reply.id,
          channel: `${channel.brandId}/${channel.key}`,
          remoteId: result.remoteId,
          url: result.url ?? null,
        },
        at: now,
      });
    });
    return reply;
  }

  private async fail(reply: InboxReplyEntity, reason: string, now: Date): Promise<InboxReplyEntity> {
    await this.transactions.run(async () => {
      if (await this.replies.move(reply, 'failed', { lastError: reason }, now)) {
        await this.audit.append({
          actor: 'inbox',
          action: 'inbox.reply_failed',
          subjectType: 'inbox',
          subjectId: reply.itemId,
          data: { reply: reply.id, reason },
          at: now,
        });
      }
    });
    this.logger.warn(`reply ${reply.id} failed: ${reason}`);
    return reply;
  }

  /** Another attempt after a backoff, or failed once the attempts are used up. */
  private async later(reply: InboxReplyEntity, message: string, now: Date): Promise<InboxReplyEntity> {
    if (reply.attempts >= MAX_REPLY_ATTEMPTS) {
      return this.fail(reply, `gave up after ${reply.attempts} attempts: ${message}`, now);
    }
    await this.replies.move(
      reply,
      'pending',
      { lastError: message, nextAttemptAt: new Date(now.getTime() + backoffMs(reply.attempts)) },
      now,
    );
    return reply;
  }

  private async waitForRateLimit(
    reply: InboxReplyEntity,
    error: RateLimitedError,
    now: Date,
  ): Promise<InboxReplyEntity> {
    const retryAt =
      error.retryAt && error.retryAt.getTime() > now.getTime()
        ? error.retryAt
        : new Date(now.getTime() + backoffMs(1));
    await this.replies.move(
      reply,
      'pending',
      { attempts: Math.max(0, reply.attempts - 1), lastError: error.message, nextAttemptAt: retryAt },
      now,
    );
    return reply;
  }
}

function itemRef(item: InboxItemEntity): InboxItemRef {
  return {
    remoteId: item.remoteId,
    kind: item.kind,
    author: item.author,
    ...(item.url ? { url: item.url } : {}),
    ...(item.inReplyToRemoteId ? { inReplyToRemoteId: item.inReplyToRemoteId } : {}),
  };
}

/** What is wrong with a connector's answer, or undefined when it names the reply on the platform. */
function resultProblem(result: unknown): string | undefined {
  const remoteId = (result as PublishResult | undefined)?.remoteId;
  if (typeof remoteId !== 'string' || remoteId.trim() === '') {
    return `no remote id (${JSON.stringify(result) ?? 'nothing'})`;
  }
  return undefined;
}
