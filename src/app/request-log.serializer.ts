/**
 * Query parameters that carry a capability (signed incident links; the OAuth authorization code on
 * /oauth/callback): they never reach the request log.
 */
const SECRET_PARAMETERS = ['token', 'code'];
/** The path segment of a media URL that is its capability (`/media/<token>.<ext>`): the extension stays. */
const MEDIA_TOKEN = /^(\/media\/)[^/?#.]+/;
/** A calendar feed's URL (`/feeds/<token>.ics`) is its capability too. */
const FEED_TOKEN = /^(\/feeds\/)[^/?#.]+(?=\.ics)/;

interface SerializedRequest {
  url?: string;
  query?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * pino-http's request serializer with `?token=…` and a media URL's token replaced by `[redacted]` in the URL and
 * the query, so a log reader cannot replay a signed link. (Authorization and Cookie headers are redacted by path.)
 */
export function redactRequestSecrets(request: SerializedRequest): SerializedRequest {
  const redacted = { ...request };
  if (typeof request.url === 'string') {
    redacted.url = request.url
      .replace(new RegExp(`([?&](?:${SECRET_PARAMETERS.join('|')})=)[^&#]*`, 'gi'), '$1[redacted]')
      .replace(MEDIA_TOKEN, '$1[redacted]')
      .replace(FEED_TOKEN, '$1[redacted]');
  }
  if (request.query && typeof request.query === 'object') {
    redacted.query = Object.fromEntries(
      Object.entries(request.query).map(([key, value]) => [
        key,
        SECRET_PARAMETERS.includes(key.toLowerCase()) ? '[redacted]' : value,
      ]),
    );
  }
  return redacted;
}
