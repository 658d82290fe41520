import { Injectable } from '@nestjs/common';
import { IsNull, LessThan } from 'typeorm';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { TransactionContext } from '../../persistence/transaction-context';
import { WebSessionEntity } from './web-session.entity';
import { newToken, tokenHash } from './token-hash';

/** A request's session once checked: who, and the token its forms must carry. */
export interface ActiveSession {
  tokenHash: string;
  person: string;
  csrfToken: string;
  method: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Refreshing `lastSeenAt` on every request would write on every page view: once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Sessions of the web app, in the database (every api replica sees them). Signing in always makes a new
 * session (rotation: a token planted before sign-in is worth nothing after it); a session ends after
 * `web.sessionIdle` without a request, `web.sessionLifetime` after sign-in, at sign-out, or when its
 * person leaves the configuration.
 */
@Injectable()
export class WebSessionService {
  constructor(
    private readonly transactions: TransactionContext,
    private readonly config: ConfigService,
    private readonly clock: Clock,
  ) {}

  /** Starts a session for `person`; returns the cookie's token (kept nowhere else). */
  async start(
    person: string,
    method: string,
    userAgent: string | undefined,
    replacing?: string,
  ): Promise<{ token: string; session: ActiveSession }> {
    const now = this.clock.now();
    if (replacing) {
      await this.end(replacing);
    }
    const token = newToken();
    const row: WebSessionEntity = {
      tokenHash: tokenHash(token),
      person,
      csrfToken: newToken(),
      method,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.loaded.config.web.sessionLifetime),
      endedAt: null,
      userAgent: userAgent?.slice(0, 300) ?? null,
    };
    await this.rows().insert(row);
    return { token, session: toActive(row) };
  }

  /** The live session of a cookie's token, or null (unknown, ended, idle too long, expired, person gone). */
  async resolve(token: string): Promise<ActiveSession | null> {
    const row = await this.rows().findOneBy({ tokenHash: tokenHash(token), endedAt: IsNull() });
    if (!row) {
      return null;
    }
    const now = this.clock.now();
    const idleMs = this.config.loaded.config.web.sessionIdle;
    const gone = !this.config.loaded.config.people[row.person];
    if (gone || row.expiresAt <= now || row.lastSeenAt.getTime() + idleMs <= now.getTime()) {
      await this.rows().update({ tokenHash: row.tokenHash }, { endedAt: now });
      return null;
    }
    if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.rows().update({ tokenHash: row.tokenHash }, { lastSeenAt: now });
    }
    return toActive(row);
  }

  /** Ends the session (sign-out); a no-op when it has ended already. */
  async end(tokenHashValue: string): Promise<void> {
    await this.rows().update({ tokenHash: tokenHashValue, endedAt: IsNull() }, { endedAt: this.clock.now() });
  }

  /** Ends every session of a person (signed out everywhere). */
  async endAllOf(person: string): Promise<number> {
    const result = await this.rows().update({ person, endedAt: IsNull() }, { endedAt: this.clock.now() });
    return result.affected ?? 0;
  }

  /** Forgets sessions that expired a day ago or more. */
  async prune(): Promise<void> {
    await this.rows().delete({ expiresAt: LessThan(new Date(this.clock.nowMs() - 86_400_000)) });
  }

  private rows() {
    return this.transactions.manager.getRepository(WebSessionEntity);
  }
}

function toActive(row: WebSessionEntity): ActiveSession {
  return {
    tokenHash: row.tokenHash,
    person: row.person,
    csrfToken: row.csrfToken,
    method: row.method,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}
