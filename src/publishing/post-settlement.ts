import type { PublishState } from '../content/post.entity';

const TERMINAL: readonly string[] = ['published', 'failed', 'missed', 'cancelled'];

export interface SettlementStep {
  to: PublishState;
  reason?: string;
}

/**
 * What a post becomes once one of its channel variants ended: nothing while another variant is still on its
 * way; `missed` if every variant was missed before it started; otherwise (through `publishing` if it had not
 * started) `published` when every variant was (or was cancelled after another went out), else `failed` with each
 * unpublished variant's reason.
 * `reason` is the ending variant's, used for `missed`.
 */
export function postSettlement(
  postState: PublishState,
  variants: ReadonlyArray<{ state: string; lastError: string | null }>,
  reason?: string,
): SettlementStep[] {
  if (variants.some((variant) => !TERMINAL.includes(variant.state))) {
    return [];
  }
  if (postState === 'scheduled' && variants.every((variant) => variant.state === 'missed')) {
    return [{ to: 'missed', reason }];
  }
  if (postState !== 'scheduled' && postState !== 'publishing') {
    return [];
  }
  // A variant cancelled on its own (its file was deleted while another channel had published) is not a failure.
  const unpublished = variants.filter(
    (variant) => variant.state !== 'published' && variant.state !== 'cancelled',
  );
  return [
    ...(postState === 'scheduled' ? [{ to: 'publishing' as const }] : []),
    unpublished.length === 0
      ? { to: 'published' }
      : {
          to: 'failed',
          reason: unpublished.map((variant) => `${variant.state}: ${variant.lastError ?? ''}`).join('; '),
        },
  ];
}
