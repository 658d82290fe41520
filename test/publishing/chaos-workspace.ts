import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHAOS_BRAND = 'chaos';

export type ChaosOutcome = 'published' | 'failed' | 'missed';

/** One content file of the burst. */
export interface ChaosPost {
  channels: string[];
  /** When it is due (minute precision, as content files are written). */
  dueAt: Date;
  outcome: ChaosOutcome;
}

export interface ChaosWorkspace {
  dir: string;
  configPath: string;
  /** Content file name → the channels it goes to and the outcome the test expects for it. */
  expected: Map<string, ChaosPost>;
  /** Extra environment for every process started on this workspace (secrets the config names with ${env:…}). */
  env: Record<string, string>;
}

/** "YYYY-MM-DD HH:MM" in UTC, the brand's zone. */
function localMinute(at: Date): string {
  return at.toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * A config folder for the brand `chaos` (time zone UTC, no approval chain: posts are approved and scheduled at
 * import) with the given channels and one content file per post. `reclaimAfter` is short, so a dead worker's
 * claims come back within seconds, but above the inline driver's 3 s claim lookahead: at or below it a live
 * worker takes its own held claims for abandoned before it sends them, again and again.
 */
export function writeChaosWorkspace(
  channelsYaml: string[],
  posts: ChaosPost[],
  env: Record<string, string> = {},
): ChaosWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-chaos-'));
  mkdirSync(join(dir, 'content'));
  const configPath = join(dir, 'metronome.yaml');
  writeFileSync(
    configPath,
    [
      'organisation: { name: Chaos test }',
      'people: { ops: { name: Ops } }',
      'publishing: { missedGrace: 1h, reclaimAfter: 10s }',
      'brands:',
      `  ${CHAOS_BRAND}:`,
      '    name: Chaos',
      '    timezone: UTC',
      '    owner: ops',
      '    content: { folder: content }',
      '    campaigns: { burst: { name: Burst } }',
      '    channels:',
      ...channelsYaml.map((line) => `      ${line}`),
      '',
    ].join('\n'),
  );
  const expected = new Map<string, ChaosPost>();
  posts.forEach((post, i) => {
    const name = `post-${String(i).padStart(4, '0')}.md`;
    writeFileSync(
      join(dir, 'content', name),
      [
        '---',
        `title: Burst post ${i}`,
        'campaign: burst',
        `channels: [${post.channels.join(', ')}]`,
        `publish: ${localMinute(post.dueAt)}`,
        '---',
        `Burst post number ${i}, sent while workers are being killed.`,
        '',
      ].join('\n'),
    );
    expected.set(name, post);
  });
  return { dir, configPath, expected, env };
}

/** What each sandbox channel is for; every one ignores idempotency keys, so duplicates show. */
export const SANDBOX_CHANNELS: Record<
  string,
  { faults: Record<string, unknown>; concurrency?: number; twoStep?: { checks: number } }
> = {
  /** Healthy and slow: most of the burst. */
  steady: { faults: {} },
  /** The same with a channel concurrency of 2, below the worker's 16 lanes: sends queue for a slot. */
  busy: { faults: {}, concurrency: 2 },
  /** Times out after the post was created, once per post: the core must reconcile, not resend. */
  lossy: { faults: { mode: 'timeout-after-send', times: 1 } },
  /** 429 once per post with a 1 s Retry-After: the retry path under kills. */
  limited: { faults: { mode: 'rate-limit', times: 1, retryAfterSeconds: 1 } },
  /**
   * Two-step (a container, visible at the second status call): a kill between the accept and its record must
   * not create a second container, and a kill mid-check must not publish again.
   */
  containers: { faults: {}, twoStep: { checks: 2 } },
  /** 422 every time: must end failed with the platform's words, and nothing on the network. */
  refusing: { faults: { mode: 'permanent', times: 0 } },
};

/**
 * Mostly one of the two healthy channels, every tenth post on both (variants that settle independently), some
 * on the faulty ones. (A time already beyond the grace window is refused at import, so none is `missed` here; the
 * missed path is covered by the publisher's own suites.)
 */
function sandboxPost(index: number, dueAt: Date): ChaosPost {
  if (index % 50 === 21) {
    return { channels: ['refusing'], dueAt, outcome: 'failed' };
  }
  const channels: Record<number, string[]> = {
    0: ['steady', 'busy'],
    1: ['lossy'],
    2: ['limited'],
    3: ['containers'],
  };
  return {
    channels: channels[index % 10] ?? [index % 2 === 0 ? 'steady' : 'busy'],
    dueAt,
    outcome: 'published',
  };
}

/** `posts` posts on the sandbox channels, due at `dueAt`; `latencyMs` per publish so kills land mid-flight. */
export function createSandboxChaosWorkspace(options: {
  posts: number;
  latencyMs: number;
  dueAt: Date;
}): ChaosWorkspace {
  const channels = Object.entries(SANDBOX_CHANNELS).map(([key, { faults, concurrency, twoStep }]) => {
    const injected = JSON.stringify({ ...faults, latencyMs: options.latencyMs });
    const limits = concurrency ? `, publishing: { concurrency: ${concurrency} }` : '';
    const steps = twoStep ? `, twoStep: ${JSON.stringify(twoStep)}` : '';
    return `${key}: { connector: sandbox, options: { handle: ${key}, idempotency: ignore, faults: ${injected}${steps} }${limits} }`;
  });
  return writeChaosWorkspace(
    channels,
    Array.from({ length: options.posts }, (_, i) => sandboxPost(i, options.dueAt)),
  );
}
