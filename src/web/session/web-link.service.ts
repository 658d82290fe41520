import { Injectable } from '@nestjs/common';
import { IsNull, LessThan, MoreThan } from 'typeorm';
import { Clock } from '../../clock/clock';
import { TransactionContext } from '../../persistence/transaction-context';
import { isUniqueViolation } from '../../persistence/unique-violation';
import { WebLinkEntity } from './web-link.entity';
import { newToken, tokenHash } from './token-hash';

export interface IssueLink {
  person: string;
  purpose: string;
  subject?: string | null;
  detail?: string | null;
  lifetimeMs: number;
}

export type ClaimedLink =
  { outcome: 'ok'; link: WebLinkEntity } | { outcome: 'used' | 'expired' | 'unknown'; link?: WebLinkEntity };

/**
 * One-time links bound to one person and one purpose (sign-in; a one-click decision on one approval step).
 * Only the token's hash is stored; `claim` succeeds for exactly one caller while the link is unused and
 * unexpired, so a replayed link (a reload, a forwarded e-mail opened twice) acts once.
 */
@Injectable()
export class WebLinkService {
  constructor(
    private readonly transactions: TransactionContext,
    private readonly clock: Clock,
  ) {}

  /** Creates a link; returns its token (put it in the URL; it is kept nowhere else). */
  async issue(link: IssueLink): Promise<string> {
    const now = this.clock.now();
    const token = newToken();
    await this.rows().insert({
      tokenHash: tokenHash(token),
      person: link.person,
      purpose: link.purpose,
      subject: link.subject ?? null,
      detail: link.detail ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + link.lifetimeMs),
      usedAt: null,
    });
    return token;
  }

  /** The link as it stands, without using it (for the confirmation page a GET shows). */
  async peek(token: string, purpose: string): Promise<ClaimedLink> {
    const link = await this.rows().findOneBy({ tokenHash: tokenHash(token), purpose });
    if (!link) {
      return { outcome: 'unknown' };
    }
    if (link.usedAt) {
      return { outcome: 'used', link };
    }
    return link.expiresAt <= this.clock.now() ? { outcome: 'expired', link } : { outcome: 'ok', link };
  }

  /** Uses the link: 'ok' for exactly one caller. */
  async claim(token: string, purpose: string): Promise<ClaimedLink> {
    const now = this.clock.now();
    const hash = tokenHash(token);
    const result = await this.rows().update(
      { tokenHash: hash, purpose, usedAt: IsNull(), expiresAt: MoreThan(now) },
      { usedAt: now },
    );
    const link = await this.rows().findOneBy({ tokenHash: hash, purpose });
    if (result.affected && link) {
      return { outcome: 'ok', link };
    }
    if (!link) {
      return { outcome: 'unknown' };
    }
    return { outcome: link.usedAt ? 'used' : 'expired', link };
  }

  /** Gives a claimed link back (its action failed for a reason that was not the person's): it works again. */
  async release(token: string, purpose: string): Promise<void> {
    await this.rows().update({ tokenHash: tokenHash(token), purpose }, { usedAt: null });
  }

  /**
   * Records a key the page made up (a form's one-time key) as used now: 'recorded' for the first caller;
   * 'duplicate' when the same person already used it for the same subject (a double click, a reload);
   * 'conflict' when it was used for something else. Nothing is written when a page is only shown.
   */
  async record(
    token: string,
    use: { person: string; purpose: string; subject: string; lifetimeMs: number },
  ): Promise<'recorded' | 'duplicate' | 'conflict'> {
    const now = this.clock.now();
    const hash = tokenHash(token);
    try {
      await this.rows().insert({
        tokenHash: hash,
        person: use.person,
        purpose: use.purpose,
        subject: use.subject,
        detail: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + use.lifetimeMs),
        usedAt: now,
      });
      return 'recorded';
    } catch (error) {
      if (!isUniqueViolation(error)) {
        throw error;
      }
      const used = await this.rows().findOneBy({ tokenHash: hash });
      return used?.person === use.person && used.purpose === use.purpose && used.subject === use.subject
        ? 'duplicate'
        : 'conflict';
    }
  }

  /** Forgets links that expired a week ago or more. */
  async prune(): Promise<void> {
    await this.rows().delete({ expiresAt: LessThan(new Date(this.clock.nowMs() - 7 * 86_400_000)) });
  }

  private rows() {
    return this.transactions.manager.getRepository(WebLinkEntity);
  }
}
