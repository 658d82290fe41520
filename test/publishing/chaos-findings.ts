import type { DataSource } from 'typeorm';
import type { ChaosWorkspace } from './chaos-workspace';

/** A channel variant as it ended, with its post. */
export interface VariantOutcome {
  id: string;
  state: string;
  last_error: string | null;
  idempotency_key: string;
  remote_id: string | null;
  text: string;
  channel: string;
  source_path: string;
  post_state: string;
}

/** The peer's side of the count: what the platform itself holds. */
export interface PeerView {
  /** Posts on the platform that belong to this variant: one if it was published, none otherwise. */
  postsFor(variant: VariantOutcome): Promise<number>;
  /** The id under which the platform has the variant's post, when it has one. */
  remoteIdFor(variant: VariantOutcome): Promise<string | undefined>;
  /** Posts on the platform that belong to no variant at all. */
  strays(variants: VariantOutcome[]): Promise<string[]>;
}

interface Step {
  from: string;
  to: string;
}

export interface ChaosFindings {
  /** Variants per final state. */
  states: Record<string, number>;
  /** Everything that breaks "exactly once published, or failed/missed with a reason"; empty when all is well. */
  problems: string[];
  /**
   * Variants that ended, with a reason, otherwise than their channel behaves (e.g. a healthy channel's post
   * failed because killed workers used up its attempts): allowed by that bar, but not what a user expects.
   */
  unexpected: string[];
}

/** The variant's audit trail must be one unbroken chain from `scheduled` to where it ended. */
function trailProblem(steps: Step[], finalState: string): string | undefined {
  if (steps.length === 0) {
    return 'has no audit trail';
  }
  if (steps[0].from !== 'scheduled') {
    return `audit trail starts at ${steps[0].from}, not scheduled`;
  }
  for (let i = 1; i < steps.length; i++) {
    if (steps[i].from !== steps[i - 1].to) {
      return `audit trail has a gap: …→${steps[i - 1].to}, then ${steps[i].from}→${steps[i].to}`;
    }
  }
  const last = steps[steps.length - 1];
  if (last.to !== finalState) {
    return `audit trail ends at ${last.to} but the variant is ${finalState}`;
  }
  // Straight from publishing, or from finishing for a post the platform accepted first (two-step publishing).
  if (finalState === 'published' && last.from !== 'publishing' && last.from !== 'finishing') {
    return `audit trail reaches published from ${last.from}, not from publishing or finishing`;
  }
  return undefined;
}

async function auditTrails(dataSource: DataSource): Promise<Map<string, Step[]>> {
  const audit = await dataSource.query<Array<{ subject_id: string; data: string }>>(
    `SELECT subject_id, data FROM audit_events WHERE subject_type = 'post_variant' AND action = 'variant.state_changed' ORDER BY id`,
  );
  const trails = new Map<string, Step[]>();
  for (const row of audit) {
    const data = JSON.parse(row.data) as Step;
    trails.set(row.subject_id, [...(trails.get(row.subject_id) ?? []), { from: data.from, to: data.to }]);
  }
  return trails;
}

/**
 * Reads the outcome from both sides: Metronome's database (variants, posts, audit log) and the platform
 * (posts per variant, as the peer counts them).
 */
export async function collectFindings(
  dataSource: DataSource,
  workspace: ChaosWorkspace,
  peer: PeerView,
): Promise<ChaosFindings> {
  const variants = await dataSource.query<VariantOutcome[]>(
    `SELECT v.id, v.state, v.last_error, v.idempotency_key, v.remote_id, v.text, c.key AS channel, p.source_path, p.state AS post_state
       FROM post_variants v JOIN channels c ON c.id = v.channel_id JOIN posts p ON p.id = v.post_id`,
  );
  const trails = await auditTrails(dataSource);
  const problems: string[] = [];
  const unexpected: string[] = [];
  const states: Record<string, number> = {};
  const planned = [...workspace.expected.values()].reduce((n, post) => n + post.channels.length, 0);
  if (variants.length !== planned) {
    problems.push(`${variants.length} variants in the database, ${planned} planned`);
  }
  for (const v of variants) {
    states[v.state] = (states[v.state] ?? 0) + 1;
    const where = `${v.source_path} on ${v.channel}`;
    const onPeer = await peer.postsFor(v);
    const expected = workspace.expected.get(v.source_path);
    if (expected && expected.outcome !== v.state) {
      unexpected.push(`${where}: ${v.state} (${v.last_error ?? 'no reason'}), expected ${expected.outcome}`);
    }
    if (v.state === 'published') {
      if (onPeer !== 1) {
        problems.push(`${where}: published, and ${onPeer} posts of it on the platform`);
      }
      const remoteId = await peer.remoteIdFor(v);
      if (remoteId !== undefined && remoteId !== v.remote_id) {
        problems.push(`${where}: recorded remote id ${v.remote_id}, the platform has ${remoteId}`);
      }
    } else if (v.state === 'failed' || v.state === 'missed') {
      if (!v.last_error?.trim()) {
        problems.push(`${where}: ${v.state} without a reason`);
      }
      if (onPeer !== 0) {
        problems.push(`${where}: ${v.state}, yet ${onPeer} posts of it on the platform`);
      }
    } else {
      problems.push(`${where}: left ${v.state} (${v.last_error ?? 'no error'})`);
    }
    if (!['published', 'failed', 'missed'].includes(v.post_state)) {
      problems.push(`${where}: its post is left ${v.post_state}`);
    }
    const trail = trailProblem(trails.get(v.id) ?? [], v.state);
    if (trail) {
      problems.push(`${where}: ${trail}`);
    }
  }
  problems.push(...(await peer.strays(variants)));
  return { states, problems, unexpected };
}
