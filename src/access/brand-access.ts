import { Injectable } from '@nestjs/common';
import type { MetronomeConfig } from '../config/schema/metronome-config.schema';
import type { BrandRole } from '../config/schema/roles.schema';
import { ConfigService } from '../config/config.service';
import { type ApiScope } from '../http/api-scopes';
import { ROLE_PERMISSIONS, type BrandPermission } from './brand-permission';

/** Which permission on a brand a REST scope needs when a person's token uses it. */
export const SCOPE_PERMISSION: Record<Exclude<ApiScope, 'system:read'>, BrandPermission> = {
  'posts:read': 'view',
  'posts:write': 'edit',
  'content:read': 'view',
  'content:write': 'edit',
  'approvals:read': 'view',
  'approvals:write': 'approve',
  'channels:read': 'view',
  'channels:write': 'channels',
  'inbox:read': 'view',
  'inbox:write': 'inbox',
  'incidents:read': 'view',
  'incidents:write': 'incidents',
  'reports:read': 'view',
  'reports:write': 'reports',
};

/**
 * Who may do what on which brand, from the configuration in force (read on every call, so a reload applies
 * at once). Roles come from `brands.<id>.roles`, plus defaults derived from the config: the brand's owner is
 * its owner, the approvers of its approval chains are approvers, and an organisation admin
 * (`people.<id>.admin: true`) is admin on every brand.
 */
@Injectable()
export class BrandAccess {
  constructor(private readonly config: ConfigService) {}

  private get current(): MetronomeConfig {
    return this.config.loaded.config;
  }

  isPerson(person: string): boolean {
    return this.current.people[person] !== undefined;
  }

  isAdmin(person: string): boolean {
    return this.current.people[person]?.admin === true;
  }

  /** The person's roles on the brand, explicit and derived; empty when they have none there. */
  rolesOf(person: string, brandId: string): BrandRole[] {
    return rolesIn(this.current, person, brandId);
  }

  /** The brands the person sees (any role), in the configuration's order. */
  brandsOf(person: string): string[] {
    return Object.keys(this.current.brands).filter((brandId) => this.rolesOf(person, brandId).length > 0);
  }

  /** The brands on which the person has `permission`. */
  brandsWhere(person: string, permission: BrandPermission): string[] {
    return Object.keys(this.current.brands).filter((brandId) => this.can(person, brandId, permission));
  }

  can(person: string, brandId: string, permission: BrandPermission): boolean {
    return this.rolesOf(person, brandId).some((role) => ROLE_PERMISSIONS[role].includes(permission));
  }

  /**
   * Whether a person's API token may use `scope` on `brandId`: the token's scopes say what the token may do,
   * the person's roles what the person may; both must allow it. `system:read` needs an admin.
   */
  allowsScope(person: string, scope: ApiScope, brandId: string | null): boolean {
    if (scope === 'system:read') {
      return this.isAdmin(person);
    }
    const permission = SCOPE_PERMISSION[scope];
    if (brandId === null) {
      return this.brandsWhere(person, permission).length > 0 || this.isAdmin(person);
    }
    return this.can(person, brandId, permission);
  }
}

/** Explicit roles first, then the derived ones, without repeats. */
export function rolesIn(config: MetronomeConfig, person: string, brandId: string): BrandRole[] {
  const brand = config.brands[brandId];
  if (!brand || !config.people[person]) {
    return [];
  }
  const roles = new Set<BrandRole>();
  if (config.people[person].admin) {
    roles.add('admin');
  }
  for (const role of brand.roles[person] ?? []) {
    roles.add(role);
  }
  if (brand.owner === person) {
    roles.add('owner');
  }
  const approves = Object.values(brand.approvals).some((chain) =>
    chain.steps.some((step) => step.approvers.includes(person)),
  );
  if (approves) {
    roles.add('approver');
  }
  return [...roles];
}
