import { businessHoursOf } from '../scheduling/business-hours';
import { Injectable } from '@nestjs/common';
import type { BrandConfig, MetronomeConfig } from '../config/schema/metronome-config.schema';
import { ApprovalsCalculator } from './approvals.calculator';
import { ChannelMetricsCalculator } from './channel-metrics.calculator';
import { InboxCalculator } from './inbox.calculator';
import { IncidentsCalculator } from './incidents.calculator';
import { kpiTiles } from './kpi-tiles.calculator';
import { NetworkFiguresCalculator } from './network-figures';
import type { MetricNames } from '../plugin-sdk';
import { postsSection, rankPosts } from './post-ranking.calculator';
import { PublishingCalculator } from './publishing.calculator';
import { ReportDataRepository, type ReportRows } from './report-data.repository';
import { reportDefinitions } from './report-definitions';
import { channelFactsMap, type PeriodFacts, type ReportChannel, type ReportWindows } from './report-facts';
import { ReportFormat } from './report-format';
import { REPORT_MODEL_VERSION, type ReportModel } from './report-model';
import { dayBefore, periodWindow, previousMonth, type PeriodWindow } from './report-period';
import { recommend } from './report-recommendations';
import { audienceSection, channelLabel, channelRows, reachSection } from './report-sections';
import { NotFoundError } from '../errors/domain.error';

export interface ReportBuildOptions {
  /** "Now" for month-to-date figures and SLA cut-offs (the render service's clock unless given). */
  now?: Date;
  /** Minutes after its scheduled time a post still counts as on time. */
  onTimeToleranceMinutes?: number;
  /** The network's own names for a connector's figures (its plugin's `capabilities.metricNames`). */
  metricNames?: (connector: string) => MetricNames | undefined;
}

const DEFAULT_RESPONSE_SLA_MS = 4 * 3_600_000;
const DEFAULT_ON_TIME_TOLERANCE_MINUTES = 10;

/** The shortest final-step `dueBefore` among the approval chains the brand's channels use, in hours. */
function signOffWindowHours(brand: BrandConfig): number | null {
  const windows = Object.values(brand.channels).flatMap((channel) => {
    const chain = channel.approval ? brand.approvals[channel.approval] : undefined;
    const last = chain?.steps[chain.steps.length - 1];
    const ms = last?.dueBefore;
    return ms === undefined ? [] : [ms / 3_600_000];
  });
  return windows.length > 0 ? Math.min(...windows) : null;
}

function reportChannels(brand: BrandConfig, rows: ReportRows): ReportChannel[] {
  const entries = Object.entries(brand.channels);
  const perConnector = (connector: string) => entries.filter(([, c]) => c.connector === connector).length;
  return entries.map(([key, channel]) => ({
    id: key,
    connector: channel.connector,
    label: channelLabel(key, channel.connector, perConnector(channel.connector)),
    dbId: rows.channels.find((row) => row.key === key)?.id ?? null,
    postsPerWeek: channel.cadence?.postsPerWeek ?? null,
  }));
}

/**
 * Builds the report model for one brand and month from the database and the brand's config: the month's
 * figures, the same figures for the month before (for deltas), and rule-based recommendations.
 */
@Injectable()
export class ReportModelBuilder {
  constructor(private readonly data: ReportDataRepository) {}

  async build(
    config: MetronomeConfig,
    brandId: string,
    month: string,
    options: ReportBuildOptions & { now: Date },
  ): Promise<ReportModel> {
    const brand = config.brands[brandId] as BrandConfig | undefined;
    if (!brand) {
      throw new NotFoundError(
        `unknown brand "${brandId}": the configuration has ${Object.keys(config.brands).join(', ') || 'no brands'}`,
      );
    }
    const { now } = options;
    const timeZone = brand.timezone;
    const windows: ReportWindows = {
      current: periodWindow(month, timeZone, brand.locale, now),
      previous: periodWindow(previousMonth(month), timeZone, brand.locale, now),
      timeZone,
      now,
    };
    const rows = await this.data.load(brandId, {
      from: windows.previous.start,
      to: windows.current.end,
      // The day before the previous month gives that month's follower growth a starting figure.
      firstDay: dayBefore(windows.previous.period.firstDay),
      lastDay: windows.current.period.lastDay,
    });
    return this.assemble(config, brandId, brand, windows, rows, options);
  }

  private assemble(
    config: MetronomeConfig,
    brandId: string,
    brand: BrandConfig,
    windows: ReportWindows,
    rows: ReportRows,
    options: ReportBuildOptions,
  ): ReportModel {
    const format = new ReportFormat(brand.locale);
    const channels = reportChannels(brand, rows);
    const channelIds = new Set(channels.map((c) => c.dbId));
    const tolerance = options.onTimeToleranceMinutes ?? DEFAULT_ON_TIME_TOLERANCE_MINUTES;
    const slaMinutes = (brand.inbox?.responseSla ?? DEFAULT_RESPONSE_SLA_MS) / 60_000;
    const metrics = new ChannelMetricsCalculator(rows.channelSnapshots);
    const publishing = new PublishingCalculator(rows.variants, windows, tolerance);
    const inbox = new InboxCalculator(
      rows.inbox.filter((i) => channelIds.has(i.channelId)),
      slaMinutes,
      windows.now,
      businessHoursOf(brand.timezone, brand.inbox?.businessHours),
    );
    const approvals = new ApprovalsCalculator(
      rows.approvals,
      rows.decisions,
      rows.posts,
      rows.variants,
      signOffWindowHours(brand),
      windows.now,
    );
    const incidents = new IncidentsCalculator(rows.incidents);
    const factsFor = (window: PeriodWindow): PeriodFacts => {
      const facts = channelFactsMap(channels);
      for (const channel of channels) {
        Object.assign(
          facts.get(channel.id)!,
          metrics.facts(channel, window),
          publishing.facts(channel, window),
          inbox.facts(channel, window),
        );
      }
      return {
        channels: facts,
        leadTimeHours: approvals.leadTimes(window),
        rejections: approvals.rejections(window),
        incidentsOpened: incidents.opened(window).length,
      };
    };
    const current = factsFor(windows.current);
    const previous = factsFor(windows.previous);

    const campaignNames = Object.fromEntries(Object.entries(brand.campaigns).map(([id, c]) => [id, c.name]));
    const ranked = rankPosts(
      windows.current,
      rows.variants,
      rows.posts,
      rows.postSnapshots,
      channels,
      campaignNames,
    );
    const posts = postsSection(ranked);
    const channelTable = channelRows(channels, current.channels, previous.channels);
    const audience = audienceSection(channels, metrics, windows, current.channels, previous.channels);
    const byNetwork = new NetworkFiguresCalculator(rows.channelSnapshots, options.metricNames).section(
      channels,
      windows.current,
      windows.previous,
    );
    const reach = reachSection(channels, metrics, windows, current.channels, previous.channels, byNetwork);
    const publishingSection = publishing.section(channels, current.channels, previous.channels);
    const approvalsSection = approvals.section(windows.current, windows.previous);
    const inboxSection = inbox.section(windows.current, current.channels, previous.channels);
    const incidentsSection = incidents.section(windows.current, windows.previous);
    const hasData =
      audience.hasData ||
      reach.hasData ||
      publishingSection.hasData ||
      approvalsSection.hasData ||
      inboxSection.hasData ||
      incidentsSection.hasData;
    const period = windows.current.period;
    return {
      version: REPORT_MODEL_VERSION,
      generatedAt: windows.now.toISOString(),
      brand: {
        id: brandId,
        name: brand.name,
        timeZone: brand.timezone,
        locale: brand.locale,
        owner: { id: brand.owner, name: config.people[brand.owner]?.name ?? brand.owner },
      },
      period,
      previousPeriod: windows.previous.period,
      hasData,
      kpis: kpiTiles(brand.kpis, channels, current, previous),
      channels: channelTable,
      audience,
      reach,
      publishing: publishingSection,
      approvals: approvalsSection,
      inbox: inboxSection,
      incidents: incidentsSection,
      posts,
      recommendations: recommend({
        format,
        period,
        hasData,
        channels: channelTable,
        audience,
        reach,
        publishing: publishingSection,
        approvals: approvalsSection,
        inbox: inboxSection,
        incidents: incidentsSection,
        ranked,
        averageEngagementRate: posts.averageEngagementRate,
      }),
      definitions: reportDefinitions(brand.timezone, period, {
        slaMinutes,
        businessHours: brand.inbox?.businessHours,
        onTimeToleranceMinutes: tolerance,
        format,
      }),
    };
  }
}
