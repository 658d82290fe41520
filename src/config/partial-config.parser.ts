import { z } from 'zod';
import { brandSchema } from './schema/brands.schema';
import { metronomeConfigSchema, MetronomeConfig } from './schema/metronome-config.schema';
import { notifierSchema, personSchema } from './schema/people.schema';
import { escalationPolicySchema, ruleSchema } from './schema/rules.schema';

/** Ids that exist in the configuration as written, whether or not their entries are valid. */
export interface KnownIds {
  people: string[];
  notifiers: string[];
  policies: string[];
  brands: string[];
}

export interface PartialConfig {
  /** Every section and entry that is valid on its own; invalid entries are left out. */
  config: MetronomeConfig;
  /** Position in the written `rules` list of each rule kept in `config.rules`. */
  ruleIndexes: number[];
  ids: KnownIds;
}

const ENTRY_SCHEMAS: Record<string, z.ZodType> = {
  people: personSchema,
  notifiers: notifierSchema,
  brands: brandSchema,
  escalations: escalationPolicySchema,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keysOf(value: unknown): string[] {
  return isRecord(value) ? Object.keys(value) : [];
}

/**
 * When the schema rejects a configuration, the reference checks still run on the parts that are valid,
 * so a person fixing a config sees every problem in one pass instead of one layer at a time.
 */
export function parsePartialConfig(data: Record<string, unknown>): PartialConfig {
  const result: Record<string, unknown> = {};
  let ruleIndexes: number[] = [];
  for (const [section, schema] of Object.entries(metronomeConfigSchema.shape)) {
    const whole = (schema as z.ZodType).safeParse(data[section]);
    if (whole.success) {
      result[section] = whole.data;
      if (section === 'rules') {
        ruleIndexes = (whole.data as unknown[]).map((_rule, index) => index);
      }
      continue;
    }
    const entrySchema = ENTRY_SCHEMAS[section];
    if (entrySchema && isRecord(data[section])) {
      result[section] = Object.fromEntries(
        Object.entries(data[section]).flatMap(([id, entry]) => {
          const parsed = entrySchema.safeParse(entry);
          return parsed.success ? [[id, parsed.data]] : [];
        }),
      );
    } else if (section === 'rules' && Array.isArray(data.rules)) {
      const rules: unknown[] = [];
      data.rules.forEach((rule, index) => {
        const parsed = ruleSchema.safeParse(rule);
        if (parsed.success) {
          rules.push(parsed.data);
          ruleIndexes.push(index);
        }
      });
      result.rules = rules;
    } else {
      const fallback = (schema as z.ZodType).safeParse(undefined);
      result[section] = fallback.success
        ? fallback.data
        : section === 'organisation'
          ? { name: '', timezone: 'UTC' }
          : {};
    }
  }
  return {
    config: result as MetronomeConfig,
    ruleIndexes,
    ids: {
      people: keysOf(data.people),
      notifiers: keysOf(data.notifiers),
      policies: keysOf(data.escalations),
      brands: keysOf(data.brands),
    },
  };
}
