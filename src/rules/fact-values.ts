import { FACT_TYPES } from './rule-facts';

/**
 * Converts plain data to what CEL expects for a declared fact type: `int` fields become BigInt, missing
 * strings become "", missing lists [], missing timestamps the epoch (so comparisons stay well-typed), and
 * undeclared fields are dropped, so a condition only ever sees documented facts.
 */
export function toFact(typeName: string, raw: Record<string, unknown>): Record<string, unknown> {
  const fields = FACT_TYPES[typeName];
  if (!fields) {
    throw new Error(`unknown fact type ${typeName}`);
  }
  const fact: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(fields)) {
    fact[field] = convert(type, raw[field]);
  }
  return fact;
}

function convert(type: string, value: unknown): unknown {
  switch (type) {
    case 'int':
      return BigInt(Math.trunc(typeof value === 'number' ? value : Number(value ?? 0)));
    case 'bool':
      return value === true;
    case 'string':
      return typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : '';
    case 'list<string>':
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    case 'google.protobuf.Timestamp':
      return value instanceof Date ? value : new Date(typeof value === 'string' ? value : 0);
    default:
      return value;
  }
}
