import { Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ChannelCredentials } from '../../channels/channel-credentials';
import type { ChannelEntity } from '../../channels/channel.entity';
import { ChannelRepository } from '../../channels/channel.repository';
import { ConnectorInstances } from '../../channels/connector-instances';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { CredentialStore } from '../../credentials/credential-store';
import { InvalidError } from '../../errors/domain.error';
import { OAuthConnectService } from '../../oauth/oauth-connect.service';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest } from '../web-user';
import { ChannelOverviewQuery } from './channel-overview.query';

/** How long the page waits for a connector's quota status before it shows the channel without it. */
const QUOTA_TIMEOUT_MS = 2000;

/** What the YouTube connector's `quotaStatus()` answers (plugins/youtube, README: shown next to the channel). */
interface QuotaStatus {
  units: number;
  budget: number;
  remainingUnits: number;
  uploads: number;
  uploadsPerDay: number;
  remainingUploads: number;
  resetsAt: Date;
}

function isQuotaStatus(value: unknown): value is QuotaStatus {
  const status = value as Partial<QuotaStatus> | null;
  return (
    typeof status?.budget === 'number' &&
    typeof status.remainingUnits === 'number' &&
    typeof status.remainingUploads === 'number' &&
    status.resetsAt instanceof Date
  );
}

const STATUS = {
  active: { label: 'Active', badge: 'ok' },
  needs_reconnect: { label: 'Needs reconnect', badge: 'danger' },
  disabled: { label: 'Paused (disabled or left the configuration)', badge: 'warn' },
} as const;

/** Channels: each brand's channels with their status and credentials; reconnect and connect an account. */
@WebController()
export class ChannelsWebController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly channels: ChannelRepository,
    private readonly credentials: ChannelCredentials,
    private readonly store: CredentialStore,
    private readonly connect: OAuthConnectService,
    private readonly overview: ChannelOverviewQuery,
    private readonly instances: ConnectorInstances,
    private readonly clock: Clock,
  ) {}

  /**
   * A connector that offers `quotaStatus()` (YouTube: today's API units and uploads, kept in its plugin state)
   * shows it; optional, so any failure (no credentials in this process, a slow answer) shows nothing.
   */
  private async quotaOf(row: ChannelEntity): Promise<QuotaStatus | undefined> {
    if (row.status === 'disabled') {
      return undefined;
    }
    try {
      const { connector } = await this.instances.get(row.brandId, row.key, row.credentialsVersion);
      const quotaStatus = (connector as { quotaStatus?: unknown }).quotaStatus;
      if (typeof quotaStatus !== 'function') {
        return undefined;
      }
      let timer: NodeJS.Timeout | undefined;
      const status: unknown = await Promise.race([
        (quotaStatus as () => Promise<unknown>).call(connector),
        new Promise((resolve) => (timer = setTimeout(() => resolve(undefined), QUOTA_TIMEOUT_MS))),
      ]).finally(() => clearTimeout(timer));
      return isQuotaStatus(status) ? status : undefined;
    } catch {
      return undefined;
    }
  }

  @WebAccess('view')
  @Get('channels')
  async list(@Req() request: WebRequest): Promise<string> {
    const user = request.webUser!;
    const loaded = this.config.loaded;
    const brands = user.brandsWhere('view');
    const now = this.clock.now();
    const rows = brands.length > 0 ? await this.channels.list({ brands }) : [];
    const facts = await this.overview.facts(rows, now);
    // Expiry facts are stored in clear beside the encrypted tokens: no token is read here (as `channels list`).
    const expiries = new Map((await this.store.expiries()).map((expiry) => [expiry.channelId, expiry]));
    const done = typeof request.query.done === 'string' ? request.query.done : undefined;
    const quotas = new Map(
      await Promise.all(
        rows
          // Only YouTube's has one today; building other connectors here would be work for nothing.
          .filter((row) => row.connector === 'youtube')
          .map(async (row) => [row.id, await this.quotaOf(row)] as const),
      ),
    );
    return this.views.page(
      request,
      'channels',
      { title: 'Channels', screen: 'channels', styles: ['channels'] },
      {
        publicUrl: Boolean(loaded.config.organisation.publicUrl),
        brands: brands.map((id) => {
          const brand = loaded.config.brands[id];
          const canAct = user.can(id, 'channels');
          return {
            id,
            name: brand.name,
            timezone: brand.timezone,
            canAct,
            channels: rows
              .filter((row) => row.brandId === id)
              .map((row) => {
                const fact = facts.get(row.id) ?? {};
                const expiry = expiries.get(row.id);
                const oauth = Boolean(loaded.plugins.find('connector', row.connector)?.oauth);
                return {
                  key: row.key,
                  connector: row.connector,
                  status: row.status,
                  statusLabel: STATUS[row.status]?.label ?? row.status,
                  badge: STATUS[row.status]?.badge ?? 'info',
                  reason: fact.reconnectReason,
                  lastPublish: fact.lastPublish && {
                    ...fact.lastPublish,
                    // A platform's URL is linked only when it is a web address (never javascript: or data:).
                    remoteUrl: /^https?:\/\//i.test(fact.lastPublish.remoteUrl ?? '')
                      ? fact.lastPublish.remoteUrl
                      : null,
                  },
                  rateLimitedUntil: fact.rateLimitedUntil,
                  quota: quotas.get(row.id),
                  oauth,
                  connected: expiry !== undefined,
                  expiresAt: expiry?.expiresAt,
                  renewable: expiry?.renewable ?? false,
                  canReconnect: canAct && row.status === 'needs_reconnect',
                  canConnect: canAct && oauth && row.status !== 'disabled',
                  done: done === `${id}/${row.key}`,
                };
              }),
          };
        }),
      },
    );
  }

  /** What `metronome channels reconnect` and POST /api/v1/channels/:brand/:channel/reconnect do, as this person. */
  @WebAccess('channels', 'brand')
  @Post('brands/:brand/channels/:channel/reconnect')
  async reconnect(
    @Req() request: WebRequest,
    @Param('brand') brand: string,
    @Param('channel') channel: string,
    @Res() response: Response,
  ): Promise<void> {
    await this.credentials.reconnect(brand, channel, request.webUser!.person, this.clock.now());
    response.redirect(303, `/channels?done=${encodeURIComponent(`${brand}/${channel}`)}#brand-${brand}`);
  }

  /**
   * "Connect account": starts the OAuth authorization-code flow for the channel with the server's own
   * /oauth/callback as the redirect (the same flow `metronome channels connect` runs in publicUrl mode), and
   * sends the browser to the platform's consent page. The callback completes it as the person who started it.
   */
  @WebAccess('channels', 'brand')
  @Post('brands/:brand/channels/:channel/connect')
  async connectAccount(
    @Req() request: WebRequest,
    @Param('brand') brand: string,
    @Param('channel') channel: string,
    @Res() response: Response,
  ): Promise<void> {
    const publicUrl = this.config.loaded.config.organisation.publicUrl;
    if (!publicUrl) {
      throw new InvalidError(
        `connecting an account from the web app needs organisation.publicUrl (the platform redirects to <publicUrl>/oauth/callback): ` +
          `set it, or run \`metronome channels connect ${brand}/${channel} --as ${request.webUser!.person} --loopback\``,
      );
    }
    const started = await this.connect.start(brand, channel, {
      redirectUri: `${publicUrl.replace(/\/+$/, '')}/oauth/callback`,
      requestedBy: request.webUser!.person,
    });
    response.redirect(303, started.url);
  }
}
