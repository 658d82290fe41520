/**
 * The Threads API version this connector speaks, in ONE place: every Graph call goes to
 * `<apiBaseUrl>/<THREADS_API_VERSION>/…`. Meta documents graph.threads.net/v1.0 (graph.threads.com also serves it).
 */
export const THREADS_API_VERSION = 'v1.0';

/** The Threads Graph host (token endpoints live at its root, unversioned). */
export const THREADS_API_BASE_URL = 'https://graph.threads.net';

/** The consent page of the authorization-code flow. */
export const THREADS_AUTHORIZATION_URL = 'https://threads.net/oauth/authorize';

/** What the connector asks for at connect time (comma separated in the consent URL, as Threads wants). */
export const THREADS_SCOPES = [
  'threads_basic',
  'threads_content_publish',
  'threads_manage_replies',
  'threads_read_replies',
  'threads_manage_insights',
] as const;
