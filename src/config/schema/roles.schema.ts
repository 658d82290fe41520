import { z } from 'zod';

/**
 * What a person does on one brand. `client` and `viewer` are the same role (the brand's client reads the
 * calendar, the posts and the reports); `admin` on a brand may do everything there, as an organisation admin
 * (`people.<id>.admin`) may on every brand.
 */
export const BRAND_ROLES = ['admin', 'owner', 'editor', 'approver', 'community', 'client', 'viewer'] as const;

export const brandRoleSchema = z.enum(BRAND_ROLES);

export type BrandRole = (typeof BRAND_ROLES)[number];

/** One role or a list of them, always read as a list. */
export const brandRolesSchema = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(brandRoleSchema).min(1),
);
