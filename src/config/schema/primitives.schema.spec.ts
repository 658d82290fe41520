import { generateConfigJsonSchema } from '../json-schema.generator';
import { durationSchema, formatDurationMs } from './primitives.schema';
import { metronomeConfigSchema } from './metronome-config.schema';

describe('durationSchema', () => {
  it('holds milliseconds once parsed', () => {
    expect(durationSchema.parse('15m')).toBe(900_000);
    expect(durationSchema.parse('48h')).toBe(172_800_000);
    expect(durationSchema.parse('1.5h')).toBe(5_400_000);
  });

  it('refuses what is not a duration, quoting it', () => {
    const parsed = durationSchema.safeParse('soon');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([
      '"soon" is not a duration: write e.g. "30m", "48h" or "7d"',
    ]);
  });

  it('applies the defaults as written, parsed the same way', () => {
    const config = metronomeConfigSchema.parse({
      organisation: { name: 'Acme' },
      brands: {
        acme: {
          name: 'Acme',
          timezone: 'UTC',
          owner: 'ana',
          channels: { bsky: { connector: 'bluesky', cadence: { postsPerWeek: 1 } } },
        },
      },
      people: { ana: { name: 'Ana', email: 'ana@example.com' } },
      escalations: { p: { levels: [{ targets: ['ana'] }] } },
    });
    expect(config.publishing).toEqual({ missedGrace: 900_000, reclaimAfter: 120_000 });
    expect(config.brands.acme.cycle.planDue).toBe(7 * 86_400_000);
    expect(config.escalations.p.levels[0].after).toBe(0);
  });

  it('is still a string with its defaults in the JSON Schema editors read', () => {
    const schema = generateConfigJsonSchema() as unknown as {
      properties: { publishing: { default: unknown; properties: Record<string, unknown> } };
    };
    expect(schema.properties.publishing.default).toEqual({ missedGrace: '15m', reclaimAfter: '2m' });
    expect(schema.properties.publishing.properties.missedGrace).toMatchObject({
      type: 'string',
      default: '15m',
    });
  });
});

describe('formatDurationMs', () => {
  it('writes a duration in the largest unit that holds it whole', () => {
    expect(formatDurationMs(900_000)).toBe('15m');
    expect(formatDurationMs(4 * 3_600_000)).toBe('4h');
    expect(formatDurationMs(5_400_000)).toBe('90m');
    expect(formatDurationMs(2 * 86_400_000)).toBe('2d');
    expect(formatDurationMs(10_000)).toBe('10s');
    expect(formatDurationMs(1_500)).toBe('1500ms');
    expect(formatDurationMs(0)).toBe('0ms');
  });
});
