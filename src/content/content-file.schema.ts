import { z } from 'zod';

const localDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/,
    'write "YYYY-MM-DD HH:MM" in the brand’s time zone, or "next-slot"',
  );

export const mediaSchema = z.strictObject({
  path: z.string().min(1).meta({ description: 'Image or video, relative to the content file.' }),
  alt: z
    .string()
    .optional()
    .meta({ description: 'Alt text: what a person who cannot see the image should know.' }),
});

export const channelOverrideSchema = z.strictObject({
  text: z.string().min(1).optional(),
  media: z.array(mediaSchema).optional(),
  /** Connector-specific settings passed through to the connector (visibility, spoiler text, thread…). */
  extra: z.record(z.string(), z.unknown()).optional(),
});

/** The front matter of a post file: what to publish, where, when, and how it fits the plan. */
export const contentFrontMatterSchema = z.strictObject({
  title: z.string().min(1),
  channels: z.array(z.string().min(1)).min(1).optional(),
  publish: z.union([z.literal('next-slot'), localDateTime]).default('next-slot'),
  campaign: z.string().min(1).optional(),
  theme: z.string().min(1).optional(),
  funnel: z.enum(['awareness', 'consideration', 'conversion', 'retention']).optional(),
  tags: z.array(z.string().min(1)).default([]),
  media: z.array(mediaSchema).default([]),
  overrides: z.record(z.string(), channelOverrideSchema).default({}),
  draft: z.boolean().default(false).meta({ description: 'Keep as a draft: not sent for approval yet.' }),
});

export type ContentFrontMatter = z.output<typeof contentFrontMatterSchema>;
export type MediaReference = z.output<typeof mediaSchema>;
