import type { MetronomeConfig } from '../config/schema/metronome-config.schema';

/** The policy as it was when the incident opened: later config edits do not change a running escalation. */
export interface PolicySnapshot {
  policy: string;
  levels: Array<{ targets: string[]; afterMs: number }>;
  repeat: number;
}

export function snapshotPolicy(config: MetronomeConfig, policyId: string): PolicySnapshot {
  const policy = config.escalations[policyId];
  if (!policy) {
    throw new Error(`unknown escalation policy "${policyId}"`);
  }
  return {
    policy: policyId,
    levels: policy.levels.map((level) => ({
      targets: [...level.targets],
      afterMs: level.after,
    })),
    repeat: policy.repeat,
  };
}

/** The default when a guard has no policy: the brand owner, once. */
export function ownerOnlyPolicy(owner: string): PolicySnapshot {
  return { policy: '(brand owner)', levels: [{ targets: [owner], afterMs: 0 }], repeat: 0 };
}

/** The step after `step` (0-based over levels × (repeat + 1)), or undefined when the policy is exhausted. */
export function stepAfter(snapshot: PolicySnapshot, step: number): number | undefined {
  const total = snapshot.levels.length * (snapshot.repeat + 1);
  return step + 1 < total ? step + 1 : undefined;
}

export function levelOfStep(snapshot: PolicySnapshot, step: number): PolicySnapshot['levels'][number] {
  return snapshot.levels[step % snapshot.levels.length];
}
