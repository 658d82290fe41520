import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { PluginDefinition } from '../plugin-sdk';

export interface OptionsProblem {
  /** Path inside the options object. */
  path: Array<string | number>;
  message: string;
}

export type OptionsResult = { ok: true; value: unknown } | { ok: false; problems: OptionsProblem[] };

/** Validates YAML options with the plugin's own schema (any Standard Schema implementation). */
export async function validatePluginOptions(
  plugin: PluginDefinition,
  options: unknown,
): Promise<OptionsResult> {
  const schema = plugin.options as StandardSchemaV1 | undefined;
  if (!schema) {
    return { ok: true, value: options };
  }
  let result = schema['~standard'].validate(options);
  if (result instanceof Promise) {
    result = await result;
  }
  if (!result.issues) {
    return { ok: true, value: result.value };
  }
  return {
    ok: false,
    problems: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((segment) => {
        const key = typeof segment === 'object' ? segment.key : segment;
        return typeof key === 'number' ? key : String(key);
      }),
      message: issue.message,
    })),
  };
}
