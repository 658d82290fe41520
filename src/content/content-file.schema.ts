import { DateTime } from 'luxon';
import { z } from 'zod';

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;

/** Why a "YYYY-MM-DD HH:MM" is not a time on the calendar and clock (day 32, hour 24…), or undefined when it is. */
function calendarProblem(text: string): string | undefined {
  const [year, month, day, hour, minute] = (LOCAL_DATE_TIME.exec(text) ?? []).slice(1).map(Number);
  if (month < 1 || month > 12) {
    return `month ${month} does not exist`;
  }
  const days = DateTime.utc(year, month, 1).daysInMonth ?? 31;
  if (day < 1 || day > days) {
    return `${DateTime.utc(year, month, 1).toFormat('LLLL yyyy')} has days 1 to ${days}`;
  }
  if (hour > 23 || minute > 59) {
    return 'the time runs from 00:00 to 23:59';
  }
  return undefined;
}

const localDateTime = z
  .string()
  .regex(LOCAL_DATE_TIME, 'write "YYYY-MM-DD HH:MM" in the brand’s time zone, or "next-slot"')
  .superRefine((text, context) => {
    const problem = LOCAL_DATE_TIME.test(text) ? calendarProblem(text) : undefined;
    if (problem) {
      context.addIssue({
        code: 'custom',
        message: `"${text}" is not a real date and time (${problem}): write "YYYY-MM-DD HH:MM" in the brand’s time zone`,
      });
    }
  });

export const mediaSchema = z.strictObject({
  path: z.string().min(1).meta({ description: 'Image or video, relative to the content file.' }),
  alt: z
    .string()
    .optional()
    .meta({ description: 'Alt text: what a person who cannot see the image should know.' }),
});

export const channelOverrideSchema = z.strictObject({
  text: z.string().min(1).optional(),
  title: z.string().min(1).optional().meta({
    description:
      'The title this channel publishes, for platforms whose posts have one (YouTube, Pinterest, WordPress); default: the post’s title.',
  }),
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
