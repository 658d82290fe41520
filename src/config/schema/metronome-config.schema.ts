import { z } from 'zod';
import { brandSchema } from './brands.schema';
import { notifiersSchema, peopleSchema } from './people.schema';
import {
  durationSchema,
  durationTextSchema,
  idSchema,
  parseDurationMs,
  timeZoneSchema,
  toDurationMs,
} from './primitives.schema';
import { escalationPolicySchema, guardRuleOverrideSchema, ruleSchema } from './rules.schema';
import { allowedTargetSchema } from '../../webhooks/webhook-target.policy';
import { webSchema } from './web.schema';

export const GUARD_RULES = [
  'approval-overdue',
  'channel-quiet',
  'post-without-campaign',
  'plan-not-ready',
  'post-failed',
  'inbox-unanswered',
  'profile-drift',
] as const;

export const pluginSourceSchema = z.union([
  z.strictObject({
    path: z.string().min(1).meta({ description: 'Folder of a plugin, relative to the config file.' }),
  }),
  z.strictObject({
    package: z.string().min(1).meta({
      description:
        'npm package name (not a path), resolved from the node_modules Metronome is installed with.',
    }),
  }),
]);

export const metronomeConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).default(1).meta({ description: 'Config format version.' }),
    organisation: z
      .strictObject({
        name: z.string().min(1),
        timezone: timeZoneSchema.default('UTC'),
        publicUrl: z.url().optional().meta({
          description:
            'Base URL of this Metronome as people and platforms reach it: signed links in notifications, media URLs platforms fetch (/media/…).',
        }),
      })
      .meta({ description: 'The organisation running Metronome.' }),
    plugins: z.array(pluginSourceSchema).default([]).meta({ description: 'Extra plugins to load.' }),
    people: peopleSchema,
    notifiers: notifiersSchema,
    brands: z.record(idSchema, brandSchema),
    rules: z.array(ruleSchema).prefault([]),
    guards: z
      .partialRecord(z.enum(GUARD_RULES), guardRuleOverrideSchema)
      .prefault({})
      .meta({ description: 'Built-in guard rules: false turns one off, an object tunes and enables it.' }),
    escalations: z.record(idSchema, escalationPolicySchema).prefault({}),
    publishing: z
      .strictObject({
        missedGrace: durationSchema
          .prefault('15m')
          .meta({ description: 'Publish late within this window after downtime.' }),
        reclaimAfter: durationTextSchema()
          .refine((text) => (parseDurationMs(text) ?? 0) >= 10_000, {
            error: (issue) =>
              `"${String(issue.input)}" is too short: a live worker holds claims for up to a third of it, and a platform needs time to show a post it took; use 10s or more (default 2m)`,
          })
          .transform(toDurationMs)
          .prefault('2m')
          .meta({
            description:
              'A variant left `publishing` this long by a worker that died is looked up on the platform, then published or retried (10s or more).',
          }),
      })
      .prefault({ missedGrace: '15m', reclaimAfter: '2m' }),
    network: z
      .strictObject({
        allowInternalTargets: z.array(allowedTargetSchema).default([]).meta({
          description:
            'Webhook and chat-notifier receivers Metronome may call although they are on loopback, private, link-local or cloud-metadata addresses: IP addresses, CIDR ranges or host names. Everything else must resolve to public addresses.',
        }),
      })
      .default({ allowInternalTargets: [] })
      .meta({ description: 'Where Metronome may send webhooks.' }),
    web: webSchema,
  })
  .meta({
    title: 'Metronome configuration',
    description: 'Brands, people, channels, cadence, approvals, rules, escalations and reports.',
  });

export type MetronomeConfig = z.output<typeof metronomeConfigSchema>;
export type BrandConfig = MetronomeConfig['brands'][string];
export type ChannelConfig = BrandConfig['channels'][string];
export type RuleConfig = MetronomeConfig['rules'][number];
