import { z } from 'zod';
import { MEASURES } from '../../reporting/kpi-measures';
import { approvalChainSchema } from './approvals.schema';
import { brandRolesSchema } from './roles.schema';
import { cadenceSchema, publishingWindowSchema } from './cadence.schema';
import {
  durationSchema,
  idSchema,
  pluginOptionsSchema,
  timeZoneSchema,
  urlSchema,
} from './primitives.schema';
import { reportSchema } from './reports.schema';

const dateSchema = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

export const profileSchema = z
  .strictObject({
    displayName: z.string().optional(),
    bio: z.string().optional(),
    links: z.array(urlSchema).default([]),
    pinned: z
      .string()
      .optional()
      .meta({ description: 'Remote id or URL of the post that should stay pinned.' }),
    avatar: z
      .string()
      .optional()
      .meta({ description: 'Path to the avatar image, relative to the config file.' }),
    mode: z
      .enum(['report', 'enforce'])
      .default('report')
      .meta({
        description:
          'report: drift raises profile.drifted and the profile-drift incident. enforce: the profile check also ' +
          'changes the live display name, bio and links back (the connector needs `updateProfile`); the pinned ' +
          'post and the avatar stay report-only.',
      }),
  })
  .meta({ description: 'The desired public profile; drift from it raises profile.drifted.' });

export const channelPublishingSchema = z
  .strictObject({
    concurrency: z.int().min(1).max(1000).default(16).meta({
      description:
        'Publishes in flight at once on this channel: in the process on the inline queue, across all workers on Bull (kept in Redis).',
    }),
    perMinute: z.int().min(1).optional().meta({
      description:
        'Rate budget: at most this many publishes per minute on this channel, across all workers. A post over budget waits for the next slot (it is not failed or missed). Unset: no budget beyond what the platform answers with 429.',
    }),
  })
  .meta({ description: 'Limits for publishing on this channel.' });

export const channelSchema = z
  .strictObject({
    connector: z
      .string()
      .min(1)
      .meta({ description: 'Connector plugin name, e.g. "bluesky", "mastodon", "sandbox".' }),
    options: pluginOptionsSchema,
    cadence: cadenceSchema.optional(),
    approval: idSchema.optional().meta({ description: 'Approval chain id (under the brand’s `approvals`).' }),
    profile: profileSchema.optional(),
    enabled: z.boolean().default(true),
    publishing: channelPublishingSchema.default({ concurrency: 16 }),
  })
  .meta({ description: 'One account on one platform.' });

export const campaignSchema = z
  .strictObject({
    name: z.string().min(1),
    starts: dateSchema.optional(),
    ends: dateSchema.optional(),
    theme: z.string().optional(),
    goal: z.string().optional().meta({ description: 'What the campaign should achieve commercially.' }),
    channels: z.array(idSchema).optional(),
  })
  .meta({ description: 'A campaign posts can belong to; posts without one are ad hoc content.' });

export const cycleSchema = z
  .strictObject({
    period: z.literal('monthly').default('monthly'),
    planDue: durationSchema
      .prefault('7d')
      .meta({ description: 'The next cycle’s plan is due this long before the cycle starts.' }),
    prepareDue: durationSchema
      .prefault('2d')
      .meta({ description: 'Posts should be ready for approval this long before publishing.' }),
    reviewDays: z
      .number()
      .int()
      .min(1)
      .max(28)
      .default(5)
      .meta({ description: 'Days after the cycle ends that the review stage lasts.' }),
  })
  .prefault({ period: 'monthly', planDue: '7d', prepareDue: '2d', reviewDays: 5 })
  .meta({ description: 'The brand’s recurring cycle: plan → prepare → publish & monitor → review.' });

const MEASURE_NAMES = Object.keys(MEASURES) as [string, ...string[]];

export const kpiSchema = z.strictObject({
  measure: z
    .enum(MEASURE_NAMES, {
      error: (issue) =>
        `unknown measure "${String(issue.input)}": the measures are listed in README "KPI measures"`,
    })
    .meta({
      description: 'Measure name, e.g. "followers", "engagementRate", "onTimeRate" (README "KPI measures").',
    }),
  target: z.number().optional(),
  direction: z.enum(['up', 'down']).default('up').meta({ description: 'Which direction is good.' }),
  channels: z.array(idSchema).optional(),
});

export const brandSchema = z
  .strictObject({
    name: z.string().min(1),
    timezone: timeZoneSchema,
    locale: z
      .string()
      .default('en-GB')
      .meta({ description: 'BCP 47 locale for dates and numbers in reports.' }),
    owner: idSchema.meta({ description: 'The person who owns this brand’s cycle (id under `people`).' }),
    roles: z.record(idSchema, brandRolesSchema).default({}).meta({
      description:
        'Who does what on this brand in the web app and the API, by person id: admin, owner, editor, approver, community, client (viewer). The owner and the approvers of its approval chains have their role without being listed.',
    }),
    content: z
      .strictObject({
        folder: z
          .string()
          .min(1)
          .meta({ description: 'Folder of Markdown posts, relative to the config file.' }),
      })
      .optional(),
    channels: z.record(idSchema, channelSchema).refine((channels) => Object.keys(channels).length > 0, {
      message: 'a brand needs at least one channel',
    }),
    cycle: cycleSchema,
    campaigns: z.record(idSchema, campaignSchema).default({}),
    themes: z.array(z.string().min(1)).default([]),
    approvals: z.record(idSchema, approvalChainSchema).prefault({}),
    kpis: z.record(idSchema, kpiSchema).default({}),
    reports: reportSchema.optional(),
    inbox: z
      .strictObject({
        responseSla: durationSchema
          .prefault('4h')
          .meta({ description: 'Answer comments, mentions and messages within this much opening time.' }),
        businessHours: z
          .union([publishingWindowSchema, z.array(publishingWindowSchema).min(1)])
          .optional()
          .meta({
            description:
              'When the SLA clock runs, in the brand’s time zone, e.g. "weekdays 09:00-17:30" or a list; around the clock when left out.',
          }),
      })
      .optional(),
  })
  .meta({ description: 'A brand (or client) with its channels, cadence, approvals and reports.' });
