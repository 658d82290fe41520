import { Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { InvalidError, NotFoundError } from '../errors/domain.error';
import { ownerOnlyPolicy } from '../escalations/escalation-policy.snapshot';
import { IncidentService } from '../escalations/incident.service';
import { AuditRepository } from '../persistence/audit.repository';
import type { Connector } from '../plugin-sdk';
import type { ChannelEntity } from './channel.entity';
import { ChannelRepository } from './channel.repository';

export const CHANNEL_CREDENTIALS_RULE = 'channel-credentials';
/** How long a worker trusts what it last read of a channel's status before reading it again. */
const STATUS_TTL_MS = 5_000;
/**
 * A refusal this soon after the connector renewed the channel's credentials means the renewed ones are refused
 * too: the channel goes to `needs_reconnect` instead of renewing again (one renewal per refusal, never a loop).
 */
export const RENEWAL_HOLDS_MS = 10 * 60_000;

/** What asking the connector to renew refused credentials gave: renewed (send again, once) or why not. */
export type CredentialsRenewal = { renewed: true } | { renewed: false; why?: string };

/**
 * Channels whose credentials the platform refused. The channel is marked `needs_reconnect` and one incident
 * goes to the brand owner; its posts are not sent (a bad token would refuse every one of them) but wait,
 * `scheduled`, until a person fixes the credentials and runs `metronome channels reconnect` — then they go
 * out, or are marked missed if they are overdue beyond `publishing.missedGrace`.
 */
@Injectable()
export class ChannelCredentials {
  private readonly logger = new Logger('ChannelCredentials');
  private readonly statuses = new Map<string, { status: string; readAt: number }>();
  /** Per channel, when its connector last renewed its credentials in this process. */
  private readonly renewedAt = new Map<string, number>();

  constructor(
    private readonly channels: ChannelRepository,
    private readonly audit: AuditRepository,
    private readonly config: ConfigService,
    /** Absent only where a test or benchmark builds the publisher by hand: no incident is opened then. */
    @Optional() private readonly incidents?: IncidentService,
  ) {}

  /**
   * Whether the channel may publish: false once marked `needs_reconnect` (read at most every 5 s). A remembered
   * `needs_reconnect` is read again when the caller's row (read with its due variant) says the channel is active:
   * it was reconnected, maybe by another process (`metronome channels connect`). Trusting the memory then would
   * put the variant back to `scheduled`, due again at once: the caller's next round claims it again, and a drain
   * at a fixed time spun so without end, sending nothing.
   */
  async usable(channel: ChannelEntity, now: Date): Promise<boolean> {
    const known = this.statuses.get(channel.id);
    const reconnectedSince = known?.status === 'needs_reconnect' && channel.status !== 'needs_reconnect';
    if (known && !reconnectedSince && now.getTime() - known.readAt < STATUS_TTL_MS) {
      return known.status !== 'needs_reconnect';
    }
    const row = await this.channels.byId(channel.id);
    const status = row?.status ?? channel.status;
    this.statuses.set(channel.id, { status, readAt: now.getTime() });
    return status !== 'needs_reconnect';
  }

  /**
   * The platform refused the channel's credentials: before anyone is asked to reconnect, the connector renews them
   * itself once (`refreshCredentials`, an OAuth refresh), if it can. Renewed: the caller sends again, once, with the
   * same connector instance (it holds the renewed credentials). Not renewed (no `refreshCredentials`, it answered
   * false or threw, or it renewed them moments ago and they were refused again): `why` says why, for `refused`
   * (nothing when the connector has no `refreshCredentials`).
   */
  async renew(channel: ChannelEntity, connector: Connector, now: Date): Promise<CredentialsRenewal> {
    if (!connector.refreshCredentials) {
      return { renewed: false };
    }
    const last = this.renewedAt.get(channel.id);
    if (last !== undefined && now.getTime() - last < RENEWAL_HOLDS_MS) {
      return { renewed: false, why: 'the credentials the connector renewed moments ago were refused too' };
    }
    let renewed: boolean;
    try {
      renewed = (await connector.refreshCredentials()) === true;
    } catch (error) {
      return { renewed: false, why: `renewing them failed: ${(error as Error).message ?? String(error)}` };
    }
    if (!renewed) {
      return { renewed: false, why: `${channel.connector} could not renew them` };
    }
    this.renewedAt.set(channel.id, now.getTime());
    await this.audit.append({
      actor: 'publisher',
      action: 'channel.credentials_renewed',
      subjectType: 'channel',
      subjectId: channel.id,
      data: { channel: `${channel.brandId}/${channel.key}` },
      at: now,
    });
    this.logger.log(
      `${channel.brandId}/${channel.key}: credentials refused, renewed by the connector; sending again`,
    );
    return { renewed: true };
  }

  /**
   * The platform refused the channel's credentials: mark it and tell the brand owner, once. `credentialsVersion` is
   * the version the refused connector instance was built at: when the channel's credentials were renewed since (a
   * send that was already under way when someone ran reconnect), the refusal says nothing about the new ones and
   * is ignored — returns false, and the caller sends again with the renewed credentials.
   */
  async refused(
    channel: ChannelEntity,
    message: string,
    now: Date,
    credentialsVersion = channel.credentialsVersion,
    /** The next step for a person; default: renew the secrets in the config, then `channels reconnect`. */
    fix?: string,
  ): Promise<boolean> {
    const moved = await this.channels.markNeedsReconnect(channel.id, credentialsVersion, now);
    if (!moved) {
      const current = await this.channels.byId(channel.id);
      if (current && current.credentialsVersion > credentialsVersion) {
        this.logger.log(
          `${channel.brandId}/${channel.key}: a send with its previous credentials was refused after they were renewed; sending again`,
        );
        return false;
      }
    }
    if (moved) {
      await this.audit.append({
        actor: 'publisher',
        action: 'channel.needs_reconnect',
        subjectType: 'channel',
        subjectId: channel.id,
        data: { channel: `${channel.brandId}/${channel.key}`, reason: message },
        at: now,
      });
    }
    this.statuses.set(channel.id, { status: 'needs_reconnect', readAt: now.getTime() });
    const brand = this.config.loaded.config.brands[channel.brandId];
    if (!brand || !this.incidents) {
      return true;
    }
    await this.incidents.open({
      brandId: channel.brandId,
      rule: CHANNEL_CREDENTIALS_RULE,
      subjectKey: `channel:${channel.id}`,
      title: `${brand.name}: ${channel.connector} refused the credentials of channel ${channel.key}`,
      severity: 'critical',
      details: {
        channel: `${channel.brandId}/${channel.key}`,
        error: message,
        effect: 'posts on this channel wait, scheduled, until it is reconnected',
        fix: fix ?? this.defaultFix(channel),
      },
      policy: ownerOnlyPolicy(brand.owner),
      at: now,
    });
    this.logger.warn(`${channel.brandId}/${channel.key} needs reconnecting: ${message}`);
    return true;
  }

  /** The next step: connect again (OAuth channels, whose tokens Metronome holds) or renew the configured secrets. */
  private defaultFix(channel: ChannelEntity): string {
    const target = `${channel.brandId}/${channel.key}`;
    return this.config.loaded.plugins.find('connector', channel.connector)?.oauth
      ? `connect the account again: \`metronome channels connect ${target} --as <person>\``
      : `renew the credentials in the config or environment, then run \`metronome channels reconnect ${target} --as <person>\``;
  }

  /**
   * A person renewed the credentials: the channel is active again (its waiting posts go out) and its
   * incident is resolved. Its credentials version goes up, so every process holding a connector instance for the
   * channel reads the config's secrets again and builds a new one before it sends (see ConnectorInstances).
   * Returns how many of its variants were waiting.
   */
  async reconnect(brandId: string, key: string, by: string, now: Date): Promise<{ waiting: number }> {
    const channel = await this.channels.byKey(brandId, key);
    if (!channel) {
      throw new NotFoundError(`no channel ${brandId}/${key}: see \`metronome channels list\``);
    }
    if (channel.status !== 'needs_reconnect') {
      throw new InvalidError(`${brandId}/${key} is ${channel.status}: nothing to reconnect`);
    }
    await this.channels.reactivate(channel.id, now);
    await this.audit.append({
      actor: by,
      action: 'channel.reconnected',
      subjectType: 'channel',
      subjectId: channel.id,
      data: { channel: `${brandId}/${key}` },
      at: now,
    });
    this.statuses.delete(channel.id);
    await this.incidents?.resolveCleared(CHANNEL_CREDENTIALS_RULE, `channel:${channel.id}`, now);
    return { waiting: await this.channels.waitingVariants(channel.id) };
  }
}
