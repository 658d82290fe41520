import type { BrandRole } from '../config/schema/roles.schema';

/**
 * What a page or an action needs on a brand. Every web route names one (see `@WebAccess`), and the REST
 * API's person tokens are held to the same (see `BrandAccess.allowsScope`).
 */
export const BRAND_PERMISSIONS = [
  /** See the brand: calendar, posts, reports, approvals (read-only). */
  'view',
  /** Write the brand's content files: compose, edit, reschedule. */
  'edit',
  /** Decide approval steps (only the steps naming the person; an owner or admin may decide any). */
  'approve',
  /** Work the inbox: assign, answer, ignore, reply. */
  'inbox',
  /** Acknowledge and resolve incidents. */
  'incidents',
  /** Render reports now. */
  'reports',
  /** Reconnect channels and connect accounts. */
  'channels',
  /** Everything on the brand. */
  'manage',
] as const;

export type BrandPermission = (typeof BRAND_PERMISSIONS)[number];

/** What each role may do on the brand it holds it for. */
export const ROLE_PERMISSIONS: Record<BrandRole, readonly BrandPermission[]> = {
  admin: BRAND_PERMISSIONS,
  owner: ['view', 'edit', 'approve', 'inbox', 'incidents', 'reports', 'channels'],
  editor: ['view', 'edit'],
  approver: ['view', 'approve'],
  community: ['view', 'inbox', 'incidents'],
  client: ['view'],
  viewer: ['view'],
};

/** How a role is named on a page. */
export const ROLE_LABELS: Record<BrandRole, string> = {
  admin: 'Admin',
  owner: 'Owner',
  editor: 'Editor',
  approver: 'Approver',
  community: 'Community manager',
  client: 'Client',
  viewer: 'Viewer',
};
