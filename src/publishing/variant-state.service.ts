import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditRepository } from '../persistence/audit.repository';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import type { PublishState } from '../persistence/entities/post.entity';

/**
 * Moves one channel variant of a post through publishing: a conditional UPDATE on the state the caller
 * saw plus an audit event, in the caller's transaction. A worker that loses the race gets `false`.
 */
@Injectable()
export class VariantStateService {
  constructor(readonly audit: AuditRepository) {}

  /**
   * Renews this worker's claim on a variant it holds (a heartbeat, not a transition: no audit row), so a
   * reconcile elsewhere does not take it for a dead worker's. False when it was reconciled meanwhile: the
   * claim is lost and the variant must not be sent.
   */
  async refreshClaim(manager: EntityManager, variant: PostVariantEntity, at: Date): Promise<boolean> {
    const p = placeholders(manager);
    const affected = await executeCounting(
      manager,
      `UPDATE "post_variants" SET "updated_at" = ${p(1)} WHERE "id" = ${p(2)} AND "state" = 'publishing' AND "updated_at" = ${p(3)}`,
      [toDbInstant(at), variant.id, toDbInstant(variant.updatedAt)],
    );
    if (affected === 1) {
      variant.updatedAt = at;
    }
    return affected === 1;
  }

  async move(
    manager: EntityManager,
    variant: PostVariantEntity,
    to: PublishState,
    changes: Partial<
      Pick<
        PostVariantEntity,
        'attempts' | 'lastError' | 'remoteId' | 'remoteUrl' | 'publishedAt' | 'scheduledAt'
      >
    >,
    options: {
      actor: string;
      at: Date;
      reason?: string;
      /** Move only if nobody touched the row since this `updated_at` (a live worker renewing its claim, say). */
      unchangedSince?: Date;
    },
  ): Promise<boolean> {
    const from = variant.state;
    // Plain SQL: this runs twice per published post.
    const columns: Record<string, unknown> = { state: to, updated_at: toDbInstant(options.at) };
    const names: Record<string, string> = {
      attempts: 'attempts',
      lastError: 'last_error',
      remoteId: 'remote_id',
      remoteUrl: 'remote_url',
      publishedAt: 'published_at',
      scheduledAt: 'scheduled_at',
    };
    for (const [key, value] of Object.entries(changes)) {
      columns[names[key]] = value instanceof Date ? toDbInstant(value) : value;
    }
    const p = placeholders(manager);
    const entries = Object.entries(columns);
    const sets = entries.map(([column], i) => `"${column}" = ${p(i + 1)}`).join(', ');
    const affected = await executeCounting(
      manager,
      `UPDATE "post_variants" SET ${sets} WHERE "id" = ${p(entries.length + 1)} AND "state" = ${p(entries.length + 2)}${
        options.unchangedSince ? ` AND "updated_at" = ${p(entries.length + 3)}` : ''
      }`,
      [
        ...entries.map(([, value]) => value),
        variant.id,
        from,
        ...(options.unchangedSince ? [toDbInstant(options.unchangedSince)] : []),
      ],
    );
    const result = { affected };
    if ((result.affected ?? 0) !== 1) {
      return false;
    }
    await this.audit.append(
      {
        actor: options.actor,
        action: 'variant.state_changed',
        subjectType: 'post_variant',
        subjectId: variant.id,
        data: { postId: variant.postId, from, to, ...(options.reason ? { reason: options.reason } : {}) },
        at: options.at,
      },
      manager,
    );
    Object.assign(variant, changes, { state: to, updatedAt: options.at });
    return true;
  }
}
