/**
 * The Graph API version every request of this plugin names, in ONE place. v26.0 was released on 29 July 2026 and is
 * the newest version listed at https://developers.facebook.com/docs/graph-api/changelog/versions/ (each version is
 * supported for at least two years). Moving to a new version: read that version's changelog for the Pages API,
 * Page Insights metrics and Facebook Login, change this constant, run the facebook specs.
 */
export const GRAPH_API_VERSION = 'v26.0';

/** Where Graph answers (tests point `graphBaseUrl` at the contract fake). */
export const GRAPH_HOST = 'https://graph.facebook.com';

/** Where Facebook Login's consent dialog is (tests point `loginBaseUrl` at the fake). */
export const LOGIN_HOST = 'https://www.facebook.com';

/** `<base>/<version>/<path>`: every Graph URL goes through this, so the version cannot drift per call. */
export function graphUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${GRAPH_API_VERSION}/${path.replace(/^\/+/, '')}`;
}
