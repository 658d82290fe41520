import { z } from 'zod';
import { webhookSecretSchema } from '../../plugin-sdk/webhook-secret';
import { durationSchema, idSchema } from './primitives.schema';

export const RULE_EVENTS = [
  'post.imported',
  'post.submitted',
  'approval.decided',
  'post.scheduled',
  'post.published',
  'post.failed',
  'inbox.received',
  'profile.drifted',
  'metrics.collected',
  'cycle.stage_changed',
] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

export const CYCLE_STAGES = ['plan', 'prepare', 'publish', 'review'] as const;

const escalateAction = z.strictObject({ escalate: idSchema.meta({ description: 'Escalation policy id.' }) });
const notifyAction = z.strictObject({
  notify: z.strictObject({
    notifier: idSchema,
    to: z.array(idSchema).default([]).meta({ description: 'People ids; empty = the brand owner.' }),
    message: z.string().min(1).optional().meta({
      description:
        'What to say: Handlebars over the rule’s facts, e.g. "{{inbox.author}} wrote: {{inbox.text}}" (checked when the config loads).',
    }),
    template: z
      .string()
      .optional()
      .meta({ description: 'Message template name under templates/notifications (default: rule-notify).' }),
  }),
});
const holdAction = z.strictObject({
  hold: z
    .strictObject({ reason: z.string().min(1) })
    .meta({ description: 'Block publishing until released.' }),
});
const tagAction = z.strictObject({ tag: z.string().min(1) });
const assignAction = z.strictObject({ assign: idSchema.meta({ description: 'Person id.' }) });
const webhookAction = z.strictObject({
  webhook: z
    .strictObject({ url: z.url({ protocol: /^https?$/ }), secret: webhookSecretSchema })
    .meta({ description: 'POST the match as JSON, signed per Standard Webhooks.' }),
});

export const ruleActionSchema = z.union([
  escalateAction,
  notifyAction,
  holdAction,
  tagAction,
  assignAction,
  webhookAction,
]);

export const ruleSchema = z
  .strictObject({
    name: idSchema,
    description: z.string().optional(),
    stage: z
      .enum(CYCLE_STAGES)
      .optional()
      .meta({ description: 'Only evaluate while the cycle is in this stage.' }),
    brands: z.array(idSchema).optional().meta({ description: 'Limit to these brands (default: all).' }),
    on: z.enum(RULE_EVENTS).optional().meta({ description: 'Event that triggers the rule.' }),
    every: durationSchema.optional().meta({ description: 'Evaluate on a schedule instead of an event.' }),
    when: z.string().min(1).default('true').meta({ description: 'CEL condition over the trigger’s facts.' }),
    then: z.array(ruleActionSchema).min(1),
    enabled: z.boolean().default(true),
  })
  .meta({ description: 'When <condition> on <event or schedule>, then <actions>.' });

export const escalationLevelSchema = z.strictObject({
  targets: z.array(idSchema).min(1).meta({ description: 'People or notifier ids.' }),
  after: durationSchema.prefault('0m').meta({ description: 'Delay after the previous level (or opening).' }),
});

export const escalationPolicySchema = z
  .strictObject({
    levels: z.array(escalationLevelSchema).min(1),
    repeat: z.number().int().min(0).max(10).default(0).meta({ description: 'Times to repeat all levels.' }),
  })
  .meta({ description: 'Who is told, in which order, until someone acknowledges.' });

export const guardRuleOverrideSchema = z.union([
  z.literal(false),
  z.strictObject({
    enabled: z.boolean().optional(),
    escalate: idSchema.optional(),
    after: durationSchema
      .optional()
      .meta({ description: 'Threshold for this guard (e.g. quiet days, SLA).' }),
  }),
]);
