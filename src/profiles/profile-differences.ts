import type { ChannelConfig } from '../config/schema/metronome-config.schema';
import type { ProfileDifference } from './profile-check.entity';
import type { ProfileSnapshot } from '../plugin-sdk';

export type ExpectedProfile = Omit<NonNullable<ChannelConfig['profile']>, 'mode'>;

/** Links compare without a trailing slash and scheme/host case, so `https://Example.com/` matches `https://example.com`. */
function normaliseLink(link: string): string {
  try {
    const url = new URL(link);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}${url.hash}`;
  } catch {
    return link.trim().replace(/\/+$/, '');
  }
}

function normaliseText(text: string | undefined): string {
  return (text ?? '').replace(/\r\n/g, '\n').trim();
}

/**
 * What differs between the declared profile and the live one. Only what the config declares is compared:
 * a field left out (or `links: []`, the default) is not watched. Links compare as a set; the avatar is
 * not compared (platforms re-encode images).
 */
export function profileDifferences(expected: ExpectedProfile, actual: ProfileSnapshot): ProfileDifference[] {
  const differences: ProfileDifference[] = [];
  for (const field of ['displayName', 'bio', 'pinned'] as const) {
    const want = expected[field];
    if (want === undefined) {
      continue;
    }
    if (normaliseText(want) !== normaliseText(actual[field])) {
      differences.push({ field, expected: want, actual: actual[field] ?? null });
    }
  }
  if (expected.links.length > 0) {
    const want = [...new Set(expected.links.map(normaliseLink))].sort();
    const have = [...new Set((actual.links ?? []).map(normaliseLink))].sort();
    if (want.join('\n') !== have.join('\n')) {
      differences.push({ field: 'links', expected: expected.links, actual: actual.links ?? [] });
    }
  }
  return differences;
}
