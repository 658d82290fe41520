import { ForbiddenException, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import type { BrandAccess } from '../access/brand-access';
import type { BrandPermission } from '../access/brand-permission';
import type { BrandRole } from '../config/schema/roles.schema';
import type { ActiveSession } from './session/web-session.service';

/** The signed-in person of a web request, with what they may do where. */
export class WebUser {
  constructor(
    readonly session: ActiveSession,
    readonly name: string,
    private readonly access: BrandAccess,
  ) {}

  get person(): string {
    return this.session.person;
  }

  get csrfToken(): string {
    return this.session.csrfToken;
  }

  get admin(): boolean {
    return this.access.isAdmin(this.person);
  }

  /** The brands this person sees, in the configuration's order. */
  get brands(): string[] {
    return this.access.brandsOf(this.person);
  }

  brandsWhere(permission: BrandPermission): string[] {
    return this.access.brandsWhere(this.person, permission);
  }

  can(brandId: string, permission: BrandPermission): boolean {
    return this.access.can(this.person, brandId, permission);
  }

  rolesOn(brandId: string): BrandRole[] {
    return this.access.rolesOf(this.person, brandId);
  }

  /**
   * Refuses unless the person has `permission` on the brand of `subject`: a subject that does not exist, or of
   * a brand the person does not see, is a 404 (its brand is not admitted to exist); seen but not allowed is a
   * 403 that names the person's roles and what the action needs (`doing`, e.g. "working its inbox"). Returns the
   * brand.
   */
  requireOn(
    brandId: string | null | undefined,
    permission: BrandPermission,
    subject: string,
    doing = 'this',
  ): string {
    if (!brandId || !this.can(brandId, 'view')) {
      throw new NotFoundException(`no ${subject}`);
    }
    if (!this.can(brandId, permission)) {
      throw new ForbiddenException(
        `your role on this brand (${this.rolesOn(brandId).join(', ')}) does not allow ${doing}: ask its owner`,
      );
    }
    return brandId;
  }
}

export type WebRequest = Request & { webUser?: WebUser };
