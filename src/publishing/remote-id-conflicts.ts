import type { RemoteIdHolder } from './publish-batch.repository';
import { InvalidConnectorAnswerError } from './publish-result.check';

/** A publish about to be recorded: which variant, on which channel, with which remote id, from which connector. */
export interface RemoteIdClaim {
  variantId: string;
  channelId: string;
  remoteId: string;
  connector: string;
}

/**
 * Why recording `remoteId` for a variant is refused: another post of the channel holds it, so the connector
 * answered one remote id for two idempotency keys (it ignores the key, or answers for the wrong post); recording
 * it would report a post published that never was.
 */
export function heldRemoteIdReason(
  connector: string,
  call: 'publish' | 'lookup' | 'status',
  remoteId: string,
  holderPostId: string,
): string {
  return new InvalidConnectorAnswerError(
    connector,
    call,
    `remote id ${JSON.stringify(remoteId)}, which post ${holderPostId} already holds: the connector ignores the idempotency key (does it send request.idempotencyKey to the platform?)`,
  ).message;
}

/**
 * The claims of a batch that must fail, with why: a remote id another variant of the same channel already holds
 * (`holders`, from the database), or one an earlier claim of the same batch takes (the first one keeps it).
 */
export function remoteIdConflicts(
  claims: ReadonlyArray<RemoteIdClaim & { postId: string }>,
  holders: readonly RemoteIdHolder[],
): Map<string, string> {
  const inBatch = new Set(claims.map((claim) => claim.variantId));
  const keyOf = (channelId: string, remoteId: string) => `${channelId}\u0000${remoteId}`;
  const held = new Map<string, string>();
  for (const holder of holders) {
    if (!inBatch.has(holder.variantId)) {
      held.set(keyOf(holder.channelId, holder.remoteId), holder.postId);
    }
  }
  const conflicts = new Map<string, string>();
  for (const claim of claims) {
    const key = keyOf(claim.channelId, claim.remoteId);
    const holderPostId = held.get(key);
    if (holderPostId === undefined) {
      held.set(key, claim.postId);
    } else {
      conflicts.set(
        claim.variantId,
        heldRemoteIdReason(claim.connector, 'publish', claim.remoteId, holderPostId),
      );
    }
  }
  return conflicts;
}
