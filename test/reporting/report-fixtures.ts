import { createHash, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import type { LoadedConfig } from '../../src/config/config.loader';
import { metronomeConfigSchema } from '../../src/config/schema/metronome-config.schema';
import { ConfiguredPluginOptions } from '../../src/plugin-host/configured-plugin-options';
import { loadBuiltinPlugins } from '../../src/plugin-host/plugin.loader';
import { PluginRegistry } from '../../src/plugin-host/plugin-registry';
import { ApprovalDecisionEntity } from '../../src/approvals/approval-decision.entity';
import { ApprovalEntity } from '../../src/approvals/approval.entity';
import { BrandEntity } from '../../src/persistence/entities/brand.entity';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { ConfigRevisionEntity } from '../../src/persistence/entities/config-revision.entity';
import { MetricSnapshotEntity } from '../../src/metrics/metric-snapshot.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity, type PublishState } from '../../src/content/post.entity';

/**
 * Factories for report tests and the report benchmark: a brand config, its rows, daily metrics and posts
 * with their figures and approvals. Deterministic, so expected figures can be computed from the same
 * functions that generated them. realistic-month.ts composes them into a month an agency would recognise.
 */

export interface ChannelSpec {
  key: string;
  connector: string;
  postsPerWeek: number;
  /** Weekdays (1 = Monday) the cadence publishes on. */
  weekdays: number[];
  followersAtStart: number;
  /** Net followers gained per day (negative: losing). */
  dailyGrowth: number;
}

export const NORTHWIND_CHANNELS: ChannelSpec[] = [
  {
    key: 'bluesky',
    connector: 'bluesky',
    postsPerWeek: 4,
    weekdays: [1, 3, 5, 6],
    followersAtStart: 4200,
    dailyGrowth: 9,
  },
  {
    key: 'mastodon',
    connector: 'mastodon',
    postsPerWeek: 2,
    weekdays: [2, 4],
    followersAtStart: 1310,
    dailyGrowth: -2,
  },
];

/** The brand's config as YAML would give it, parsed by the real schema (defaults applied). */
export function reportConfig(
  options: {
    brandId?: string;
    timeZone?: string;
    locale?: string;
    channels?: ChannelSpec[];
    template?: string;
    templateOptions?: Record<string, unknown>;
  } = {},
): LoadedConfig {
  const channels = options.channels ?? NORTHWIND_CHANNELS;
  const raw = {
    organisation: { name: 'Brightline Social', timezone: 'Europe/London' },
    people: {
      ines: { name: 'Inês Duarte', email: 'ines@brightline.example' },
      rosa: { name: 'Rosa Lindqvist', email: 'rosa@northwind.example' },
    },
    notifiers: {},
    brands: {
      [options.brandId ?? 'northwind']: {
        name: 'Northwind Outdoor',
        timezone: options.timeZone ?? 'Europe/London',
        locale: options.locale ?? 'en-GB',
        owner: 'ines',
        channels: Object.fromEntries(
          channels.map((c) => [
            c.key,
            { connector: c.connector, cadence: { postsPerWeek: c.postsPerWeek }, approval: 'client-signoff' },
          ]),
        ),
        campaigns: { 'autumn-trails': { name: 'Autumn trail guides' } },
        themes: ['repairs', 'trail guides', 'community'],
        approvals: {
          'client-signoff': {
            steps: [
              { name: 'copy review', approvers: ['ines'], dueBefore: '48h' },
              { name: 'client sign-off', approvers: ['rosa'], dueBefore: '24h' },
            ],
          },
        },
        kpis: {
          followers: { measure: 'followers' },
          engagement: { measure: 'engagementRate', target: 0.035 },
          response: { measure: 'firstResponseMinutes', target: 120, direction: 'down' },
          'on-time': { measure: 'onTimeRate', target: 0.95 },
        },
        inbox: { responseSla: '4h' },
        reports: {
          template: options.template ?? 'standard',
          templateOptions: options.templateOptions ?? {
            accentColor: '#0f766e',
            preparedBy: 'Brightline Social',
          },
        },
      },
    },
  };
  const plugins = new PluginRegistry();
  loadBuiltinPlugins().forEach((plugin) => plugins.add(plugin));
  return {
    config: metronomeConfigSchema.parse(raw),
    baseDir: process.cwd(),
    files: ['test/reporting (in memory)'],
    revisionHash: createHash('sha256').update(JSON.stringify(raw)).digest('hex'),
    secrets: new Set(),
    plugins,
    pluginOptions: new ConfiguredPluginOptions(),
  };
}

/** The rows a brand hangs off: a config revision, the brand and its channels. */
export async function seedBrand(
  dataSource: DataSource,
  brandId: string,
  channels: readonly ChannelSpec[],
  timeZone = 'Europe/London',
): Promise<Map<string, ChannelEntity>> {
  const now = new Date('2026-01-01T00:00:00.000Z');
  const revision = await dataSource.getRepository(ConfigRevisionEntity).save({
    id: randomUUID(),
    hash: createHash('sha256').update(randomUUID()).digest('hex'),
    sources: ['config/metronome.yaml'],
    summary: {},
    loadedAt: now,
  });
  await dataSource.getRepository(BrandEntity).save({
    id: brandId,
    name: 'Northwind Outdoor',
    timezone: timeZone,
    owner: 'ines',
    configRevisionId: revision.id,
    updatedAt: now,
    firstSeenAt: now,
  });
  const rows = new Map<string, ChannelEntity>();
  for (const spec of channels) {
    rows.set(
      spec.key,
      await dataSource.getRepository(ChannelEntity).save({
        id: randomUUID(),
        brandId,
        key: spec.key,
        connector: spec.connector,
        status: 'active',
        configRevisionId: revision.id,
        updatedAt: now,
      }),
    );
  }
  return rows;
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same month. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Calendar days from first to last inclusive. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let d = DateTime.fromISO(first, { zone: 'UTC' }); d.toISODate()! <= last; d = d.plus({ days: 1 })) {
    days.push(d.toISODate()!);
  }
  return days;
}

/** Followers of a channel on a day: start figure plus steady growth, counted from `originDay`. */
export function followersOn(spec: ChannelSpec, day: string, originDay: string): number {
  const index = Math.round(
    DateTime.fromISO(day, { zone: 'UTC' }).diff(DateTime.fromISO(originDay, { zone: 'UTC' }), 'days').days,
  );
  return spec.followersAtStart + spec.dailyGrowth * index;
}

export async function seedChannelSnapshots(
  dataSource: DataSource,
  channel: ChannelEntity,
  spec: ChannelSpec,
  days: readonly string[],
  originDay: string,
  seed: number,
): Promise<void> {
  const rnd = random(seed);
  const rows = days.map((day) => {
    const impressions = Math.round(900 + rnd() * 1400);
    const likes = Math.round(impressions * (0.025 + rnd() * 0.02));
    return {
      id: randomUUID(),
      channelId: channel.id,
      postVariantId: null,
      scopeKey: MetricSnapshotEntity.scopeKeyFor(null),
      day,
      metrics: {
        followers: followersOn(spec, day, originDay),
        impressions,
        'engagements.likes': likes,
        'engagements.reposts': Math.floor(likes / 4),
        'engagements.replies': Math.floor(likes / 6),
        clicks: Math.round(impressions * 0.012),
      },
      collectedAt: new Date(`${day}T23:30:00.000Z`),
    };
  });
  await dataSource.getRepository(MetricSnapshotEntity).insert(rows);
}

export interface PostSpec {
  brandId: string;
  channel: ChannelEntity;
  title: string;
  text: string;
  scheduledAt: Date;
  /** null: never went out. */
  publishedAt: Date | null;
  state: PublishState;
  campaign?: string | null;
  theme?: string | null;
  /** Per-day figures from the publish day on. */
  daily?: Array<{ day: string; impressions: number; likes: number }>;
  /** When each approval step was approved; omitted: no approval chain. */
  approvedAt?: [Date, Date];
  rejectedFirst?: boolean;
}

export async function seedPost(dataSource: DataSource, spec: PostSpec): Promise<PostVariantEntity> {
  const at = spec.scheduledAt;
  const post = await dataSource.getRepository(PostEntity).save({
    id: randomUUID(),
    brandId: spec.brandId,
    cycleId: null,
    sourcePath: null,
    sourceHash: null,
    title: spec.title,
    body: spec.text,
    campaign: spec.campaign ?? null,
    theme: spec.theme ?? null,
    funnelStage: null,
    publishAt: at,
    state: spec.state,
    tags: [],
    createdAt: at,
    updatedAt: at,
  });
  const variant = await dataSource.getRepository(PostVariantEntity).save({
    id: randomUUID(),
    postId: post.id,
    channelId: spec.channel.id,
    state: spec.state,
    text: spec.text,
    media: [],
    idempotencyKey: `${post.id}:${spec.channel.id}`,
    remoteId: spec.publishedAt ? `r-${post.id.slice(0, 8)}` : null,
    remoteUrl: null,
    attempts: spec.publishedAt ? 1 : 0,
    lastError: spec.state === 'failed' ? 'HTTP 502' : null,
    scheduledAt: at,
    publishedAt: spec.publishedAt,
    updatedAt: spec.publishedAt ?? at,
  });
  if (spec.daily && spec.daily.length > 0) {
    await dataSource.getRepository(MetricSnapshotEntity).insert(
      spec.daily.map((d) => ({
        id: randomUUID(),
        channelId: spec.channel.id,
        postVariantId: variant.id,
        scopeKey: MetricSnapshotEntity.scopeKeyFor(variant.id),
        day: d.day,
        metrics: {
          impressions: d.impressions,
          'engagements.likes': d.likes,
          'engagements.reposts': Math.floor(d.likes / 4),
          'engagements.replies': Math.floor(d.likes / 6),
        },
        collectedAt: new Date(`${d.day}T23:30:00.000Z`),
      })),
    );
  }
  if (spec.approvedAt) {
    await seedApprovals(dataSource, post.id, at, spec.approvedAt, spec.rejectedFirst ?? false);
  }
  return variant;
}

async function seedApprovals(
  dataSource: DataSource,
  postId: string,
  publishAt: Date,
  approvedAt: [Date, Date],
  rejectedFirst: boolean,
): Promise<void> {
  const steps = [
    { name: 'copy review', person: 'ines', dueBefore: 48 },
    { name: 'client sign-off', person: 'rosa', dueBefore: 24 },
  ];
  for (const [index, step] of steps.entries()) {
    const approval = await dataSource.getRepository(ApprovalEntity).save({
      id: randomUUID(),
      postId,
      stepIndex: index,
      stepName: step.name,
      mode: 'any',
      approvers: [step.person],
      dueAt: new Date(publishAt.getTime() - step.dueBefore * 3_600_000),
      status: 'approved',
    });
    const decisions = [
      ...(rejectedFirst && index === 1
        ? [{ decision: 'reject' as const, at: new Date(approvedAt[index].getTime() - 6 * 3_600_000) }]
        : []),
      { decision: 'approve' as const, at: approvedAt[index] },
    ];
    for (const decision of decisions) {
      await dataSource.getRepository(ApprovalDecisionEntity).save({
        id: randomUUID(),
        approvalId: approval.id,
        person: step.person,
        decision: decision.decision,
        comment: decision.decision === 'reject' ? 'Tone is off, please soften the opening.' : null,
        decidedAt: decision.at,
      });
    }
  }
}
