import type { BrandConfig } from '../config/schema/metronome-config.schema';

export interface ApprovalStepPlan {
  name: string;
  approvers: string[];
  mode: 'any' | 'all';
  dueAt: Date;
}

/**
 * The approval steps a post passes: the chains of its channels, in channel order, without repeating a
 * step that two chains share. Each step is due `dueBefore` ahead of the publish time.
 */
export function planApprovalSteps(
  brand: BrandConfig,
  channels: string[],
  publishAt: Date,
): ApprovalStepPlan[] {
  const chains = [
    ...new Set(
      channels.map((channel) => brand.channels[channel]?.approval).filter((id): id is string => !!id),
    ),
  ];
  const steps: ApprovalStepPlan[] = [];
  for (const chainId of chains) {
    for (const step of brand.approvals[chainId]?.steps ?? []) {
      if (steps.some((planned) => planned.name === step.name)) {
        continue;
      }
      steps.push({
        name: step.name,
        approvers: [...step.approvers],
        mode: step.mode,
        dueAt: new Date(publishAt.getTime() - step.dueBefore),
      });
    }
  }
  return steps;
}

/** How far ahead a post must be placed for its approval steps to be due in the future. */
export function approvalLeadTimeMs(brand: BrandConfig, channels: string[]): number {
  const now = new Date(0);
  const steps = planApprovalSteps(brand, channels, now);
  return Math.max(0, ...steps.map((step) => now.getTime() - step.dueAt.getTime()));
}
