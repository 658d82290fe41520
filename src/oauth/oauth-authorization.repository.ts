import { Injectable } from '@nestjs/common';
import { IsNull, LessThan, MoreThan } from 'typeorm';
import { TransactionContext } from '../persistence/transaction-context';
import { OAuthAuthorizationEntity } from './oauth-authorization.entity';

/** How long a consent URL may be used: long enough to log in at the platform, short enough to be worthless later. */
export const AUTHORIZATION_LIFETIME_MS = 10 * 60_000;

/** The pending authorizations (`oauth_authorizations`). */
@Injectable()
export class OAuthAuthorizationRepository {
  constructor(private readonly transactions: TransactionContext) {}

  async create(row: Omit<OAuthAuthorizationEntity, 'completedAt' | 'error'>): Promise<void> {
    await this.rows().insert({ ...row, completedAt: null, error: null });
  }

  byState(state: string): Promise<OAuthAuthorizationEntity | null> {
    return this.rows().findOneBy({ state });
  }

  /**
   * Takes the authorization for its one use: true for exactly one caller, while it is unused and unexpired. The
   * row is marked completed now, so a replayed callback (a reload, an attacker) cannot exchange the code again.
   */
  async claim(state: string, now: Date): Promise<boolean> {
    const result = await this.rows().update(
      { state, completedAt: IsNull(), error: IsNull(), expiresAt: MoreThan(now) },
      { completedAt: now },
    );
    return Boolean(result.affected);
  }

  /** The authorization failed (the platform refused consent, the exchange failed): the waiting CLI shows why. */
  async fail(state: string, error: string, now: Date): Promise<void> {
    await this.rows().update({ state }, { error: error.slice(0, 1000), completedAt: now });
  }

  /** Forgets authorizations that ended a day ago or more (their verifiers are worthless, but need not linger). */
  async prune(now: Date): Promise<void> {
    await this.rows().delete({ expiresAt: LessThan(new Date(now.getTime() - 24 * 3600_000)) });
  }

  private rows() {
    return this.transactions.manager.getRepository(OAuthAuthorizationEntity);
  }
}
