import { z } from 'zod';
import { durationSchema, idSchema } from './primitives.schema';

export const approvalStepSchema = z.strictObject({
  name: z.string().min(1).meta({ description: 'What this step checks, e.g. "copy review".' }),
  approvers: z.array(idSchema).min(1).meta({ description: 'People (ids under `people`).' }),
  mode: z
    .enum(['any', 'all'])
    .default('any')
    .meta({ description: 'Whether one approver or all must approve.' }),
  dueBefore: durationSchema.meta({ description: 'Deadline relative to the publish time, e.g. "48h".' }),
});

export const approvalChainSchema = z
  .strictObject({ steps: z.array(approvalStepSchema).min(1) })
  .meta({ description: 'Ordered approval steps a post passes before it can be scheduled.' });
