import { z } from 'zod';
import { metronomeConfigSchema } from './schema/metronome-config.schema';

/** The JSON Schema editors use for autocompletion (`# yaml-language-server: $schema=…`). */
export function generateConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(metronomeConfigSchema, { io: 'input', unrepresentable: 'any' });
  return schema;
}
