/**
 * The LinkedIn Marketing API version every versioned call sends as `LinkedIn-Version` (YYYYMM), in ONE place.
 * LinkedIn supports a version for at least a year after its release and answers 426 NONEXISTENT_VERSION after it
 * is sunset: raise this (and run the connector's tests) at least once a year.
 */
export const LINKEDIN_VERSION = '202611';

/** Rest.li protocol version every /rest call declares (`X-Restli-Protocol-Version`). */
export const RESTLI_PROTOCOL_VERSION = '2.0.0';

/** The real hosts: the API, and the OAuth pages (consent and token endpoint). */
export const LINKEDIN_API_URL = 'https://api.linkedin.com';
export const LINKEDIN_OAUTH_URL = 'https://www.linkedin.com';
