import { RE2JS } from 're2js';

/**
 * CEL's `matches()` is specified with RE2 semantics: linear time in the text, whatever the pattern.
 * cel-js runs it with ECMAScript RegExp, which backtracks: `inbox.text.matches("^(a+)+$")` took 2.9 s on a
 * 26-character comment anyone can write. Here it runs on re2js (RE2 in JavaScript, no backtracking).
 */
const MAX_CACHED_PATTERNS = 256;
const cache = new Map<string, RE2JS>();

/** Compiles an RE2 pattern, or says why it is not one (back-references and look-arounds are not RE2). */
export function compileRe2(pattern: string): RE2JS | { error: string } {
  const cached = cache.get(pattern);
  if (cached) {
    return cached;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (cache.size >= MAX_CACHED_PATTERNS) {
    cache.delete(cache.keys().next().value as string);
  }
  cache.set(pattern, compiled);
  return compiled;
}

/** `text.matches(pattern)`: true when the pattern matches any part of the text, as CEL specifies. */
export function re2Matches(text: unknown, pattern: unknown): boolean {
  if (typeof text !== 'string' || typeof pattern !== 'string') {
    throw new Error(`found no matching overload for '${typeof text}.matches(${typeof pattern})'`);
  }
  const compiled = compileRe2(pattern);
  if ('error' in compiled) {
    throw new Error(`invalid regular expression "${pattern}" (RE2 syntax): ${compiled.error}`);
  }
  return compiled.test(text);
}
