import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock, SYSTEM_CLOCK } from '../clock/clock';
import { DataSource, IsNull, LessThanOrEqual, Or, type Repository } from 'typeorm';
import { API_SCOPES } from '../http/api-scopes';
import { ApiTokenEntity } from './entities/api-token.entity';
import { isUniqueViolation } from './unique-violation';

export const API_TOKEN_PREFIX = 'mtr_';

/** Writing last_used_at on every request would turn each authenticated read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface CreatedApiToken {
  /** Shown to the user once; only its hash is stored. */
  plaintext: string;
  token: ApiTokenEntity;
}

/** Who a new token is and what it may do; the caller checks scope names and people against the config. */
export interface ApiTokenGrant {
  /** The person it acts for; without one it is the service `service` (default: the token's name). */
  person?: string;
  service?: string;
  scopes: readonly string[];
  /** Undefined or null = every brand. */
  brands?: readonly string[] | null;
  admin?: boolean;
}

@Injectable()
export class ApiTokenRepository {
  private readonly tokens: Repository<ApiTokenEntity>;

  /** `clock` defaults to the system's for a repository built by hand (a test, a script); Nest injects the Clock. */
  constructor(
    dataSource: DataSource,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.tokens = dataSource.getRepository(ApiTokenEntity);
  }

  /** Without a grant: a service token named after itself with every scope on every brand, like a migrated one. */
  async create(
    name: string,
    grant: ApiTokenGrant = { scopes: API_SCOPES },
    now: Date = this.clock.now(),
  ): Promise<CreatedApiToken> {
    if (grant.person && grant.service) {
      throw new Error(`API token "${name}": a token acts for a person or is a service, not both`);
    }
    const plaintext = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const token = this.tokens.create({
      name,
      tokenHash: hashToken(plaintext),
      prefix: plaintext.slice(0, 8),
      person: grant.person ?? null,
      service: grant.person ? null : (grant.service ?? name),
      scopes: [...grant.scopes],
      brands: grant.brands ? [...grant.brands] : null,
      admin: grant.admin ?? false,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    });
    try {
      await this.tokens.insert(token);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new Error(`API token "${name}" already exists: revoke it first or choose another name`, {
          cause: error,
        });
      }
      throw error;
    }
    return { plaintext, token };
  }

  /** The active token the plaintext belongs to, or null for unknown and revoked tokens. */
  async verify(plaintext: string, now: Date = this.clock.now()): Promise<ApiTokenEntity | null> {
    if (!plaintext.startsWith(API_TOKEN_PREFIX)) {
      return null;
    }
    const token = await this.tokens.findOneBy({ tokenHash: hashToken(plaintext), revokedAt: IsNull() });
    if (token === null) {
      return null;
    }
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (token.lastUsedAt === null || token.lastUsedAt <= stale) {
      // Conditional, so concurrent requests with the same token write once per interval.
      await this.tokens.update(
        { id: token.id, lastUsedAt: Or(IsNull(), LessThanOrEqual(stale)) },
        { lastUsedAt: now },
      );
      token.lastUsedAt = now;
    }
    return token;
  }

  /** Revokes the active token with this id or name; null when there is none. */
  async revoke(nameOrId: string, now: Date = this.clock.now()): Promise<ApiTokenEntity | null> {
    const token = await this.tokens.findOne({
      where: [
        { id: nameOrId, revokedAt: IsNull() },
        { name: nameOrId, revokedAt: IsNull() },
      ],
    });
    if (token === null) {
      return null;
    }
    await this.tokens.update({ id: token.id, revokedAt: IsNull() }, { revokedAt: now });
    token.revokedAt = now;
    return token;
  }

  /** Every token, revoked ones included, oldest first. */
  async list(): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ order: { createdAt: 'ASC', name: 'ASC' } });
  }
}

function hashToken(plaintext: string): string {
  return createHash('sha256').update(plaintext).digest('hex');
}
