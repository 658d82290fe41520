/** TikTok's Open API host (Content Posting, Display and OAuth v2 endpoints live under /v2/). */
export const TIKTOK_API_BASE_URL = 'https://open.tiktokapis.com';

/** Login Kit for Web's consent page (https://developers.tiktok.com/doc/login-kit-web). */
export const TIKTOK_AUTHORIZATION_URL = 'https://www.tiktok.com/v2/auth/authorize/';

/**
 * What the connector asks for at connect time, comma separated as TikTok wants: the account's id and name,
 * Direct Post, the account's videos (for metrics) and its follower and like counts.
 */
export const TIKTOK_SCOPES = ['user.info.basic', 'user.info.stats', 'video.publish', 'video.list'] as const;

/** Where an app is audited, named in errors about private posts. */
export const TIKTOK_AUDIT_URL = 'https://developers.tiktok.com/application/content-posting-api';
