import { z } from 'zod';
import { durationSchema } from './primitives.schema';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof DAYS)[number];

export interface PublishingWindow {
  days: Weekday[];
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

const DAY_GROUPS: Record<string, Weekday[]> = {
  daily: [...DAYS],
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  weekends: ['sat', 'sun'],
};

/**
 * Parses "Mon,Wed 09:00-11:00", "weekdays 12:30-13:00" or "daily 18:00-19:00".
 * Returns an error sentence instead of throwing so the validator can report every window at once.
 */
export function parsePublishingWindow(text: string): PublishingWindow | string {
  const match = /^\s*([A-Za-z,\s-]+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!match) {
    return `cannot read window "${text}": write days then a local time range, e.g. "Mon,Wed 09:00-11:00" or "weekdays 12:00-13:00"`;
  }
  const days = new Set<Weekday>();
  for (const raw of match[1]
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)) {
    const group = DAY_GROUPS[raw];
    const day = DAYS.find((d) => raw.startsWith(d) && d.startsWith(raw.slice(0, 3)));
    if (group) {
      group.forEach((d) => days.add(d));
    } else if (day && raw.length >= 3) {
      days.add(day);
    } else {
      return `unknown day "${raw}" in window "${text}": use mon..sun, weekdays, weekends or daily`;
    }
  }
  const [h1, m1, h2, m2] = match.slice(2).map(Number);
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || (h2 === 24 && m2 !== 0)) {
    return `window "${text}" has an impossible time: hours 00-23, minutes 00-59`;
  }
  const start = h1 * 60 + m1;
  const end = h2 * 60 + m2;
  if (end <= start) {
    return `window "${text}" ends before it starts: a window must not cross midnight`;
  }
  return { days: DAYS.filter((d) => days.has(d)), start, end };
}

export const publishingWindowSchema = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parsePublishingWindow(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
    }
  })
  .meta({ description: 'Days and a local time range, e.g. "Mon,Wed 09:00-11:00", "weekdays 12:00-13:00".' });

export const cadenceSchema = z
  .strictObject({
    postsPerWeek: z.number().int().min(0).max(200).meta({ description: 'Target number of posts a week.' }),
    windows: z
      .array(publishingWindowSchema)
      .default([])
      .meta({ description: 'Publishing windows in the brand’s time zone; posts without a time go here.' }),
    quietAfter: durationSchema.optional().meta({
      description: 'Raise "channel going quiet" when nothing is scheduled within this duration (default 3d).',
    }),
  })
  .meta({ description: 'How often the channel should publish and when.' });
