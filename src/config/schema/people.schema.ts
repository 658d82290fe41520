import { z } from 'zod';
import { emailSchema, idSchema, pluginOptionsSchema, timeZoneSchema } from './primitives.schema';

export const personSchema = z
  .strictObject({
    name: z.string().min(1),
    email: emailSchema.optional(),
    timezone: timeZoneSchema.optional(),
    admin: z.boolean().default(false).meta({
      description:
        'Administers this Metronome: every brand, the System page, API tokens. Give it to few people.',
    }),
    handles: z
      .record(z.string(), z.string())
      .default({})
      .meta({ description: 'Per-notifier addresses, e.g. { slack: "U024BE7LH" }; keys are notifier ids.' }),
  })
  .meta({ description: 'Someone who owns, approves or is escalated to.' });

export const notifierSchema = z
  .strictObject({
    plugin: z
      .string()
      .min(1)
      .meta({ description: 'Notifier plugin name, e.g. "email", "slack", "webhook".' }),
    options: pluginOptionsSchema,
  })
  .meta({ description: 'A way to reach people: e-mail, Slack, Discord, Teams, webhook.' });

export const peopleSchema = z.record(idSchema, personSchema).default({});
export const notifiersSchema = z.record(idSchema, notifierSchema).default({});
