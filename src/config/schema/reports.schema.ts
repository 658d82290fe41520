import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { webhookSecretSchema } from '../../plugin-sdk/webhook-secret';
import { emailSchema, idSchema, pluginOptionsSchema } from './primitives.schema';

export const cronSchema = z
  .string()
  .superRefine((text, ctx) => {
    try {
      CronExpressionParser.parse(text);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a cron expression (${(error as Error).message}): e.g. "0 7 2 * *" = 07:00 on the 2nd`,
      });
    }
  })
  .meta({ description: 'Cron expression in the brand’s time zone (minute hour day month weekday).' });

export const reportDeliverySchema = z.union([
  z.strictObject({
    email: z.strictObject({ notifier: idSchema, to: z.array(z.union([idSchema, emailSchema])).min(1) }),
  }),
  z.strictObject({
    webhook: z
      .strictObject({ url: z.url({ protocol: /^https?$/ }), secret: webhookSecretSchema })
      .meta({ description: 'POST the PDF in a JSON envelope, signed per Standard Webhooks.' }),
  }),
  z.strictObject({ folder: z.strictObject({ path: z.string().min(1) }) }),
]);

export const reportSchema = z
  .strictObject({
    template: z.string().default('standard').meta({ description: 'Report template plugin name.' }),
    templateOptions: pluginOptionsSchema,
    schedule: cronSchema.default('0 7 2 * *'),
    delivery: z.array(reportDeliverySchema).default([]),
  })
  .meta({ description: 'The monthly report: template, schedule and who receives it.' });
