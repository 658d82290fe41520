import type { ApiTokenEntity } from '../persistence/entities/api-token.entity';
import { grantsScope, type ApiScope } from './api-scopes';

/** Who is calling the API: the token, whom it acts for, and what it may do where. */
export class ApiCaller {
  constructor(
    readonly tokenId: string,
    readonly tokenName: string,
    /** The person the token acts for, or null for a service token. */
    readonly person: string | null,
    /** The service the token is, or null for a person's token. */
    readonly service: string | null,
    readonly scopes: readonly string[],
    /** Brands the token sees and acts on; null = every brand. */
    readonly brands: readonly string[] | null,
    readonly admin: boolean,
  ) {}

  static fromToken(token: ApiTokenEntity): ApiCaller {
    return new ApiCaller(
      token.id,
      token.name,
      token.person,
      token.person ? null : (token.service ?? token.name),
      token.scopes,
      token.brands,
      token.admin,
    );
  }

  /** "person:maya" or "service:ci-bot": how the audit names the token's own identity. */
  get identity(): string {
    return this.person ? `person:${this.person}` : `service:${this.service ?? this.tokenName}`;
  }

  may(scope: ApiScope): boolean {
    return grantsScope(this.scopes, scope);
  }

  seesBrand(brandId: string | null): boolean {
    return this.brands === null || (brandId !== null && this.brands.includes(brandId));
  }

  /** For list queries: undefined = no limit, otherwise only these brands. */
  get brandFilter(): readonly string[] | undefined {
    return this.brands ?? undefined;
  }
}
