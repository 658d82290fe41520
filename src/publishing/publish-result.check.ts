import { PermanentError } from '../plugin-sdk';

/** Longest remote id a result may carry (platform ids are short; a longer one is a connector bug). */
const MAX_REMOTE_ID_LENGTH = 1024;

/**
 * What is wrong with a connector's answer to publish or lookup, or undefined when it is a usable PublishResult:
 * a non-empty `remoteId` string, an optional (or null) absolute http(s) `url`, an optional (or null) valid `publishedAt`
 * Date.
 * The answer comes from plugin code: it is checked, never trusted.
 */
export function publishResultProblem(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) {
    return `${result === null ? 'null' : typeof result} instead of { remoteId, url?, publishedAt? }`;
  }
  const { remoteId, url, publishedAt } = result as Record<string, unknown>;
  if (typeof remoteId !== 'string' || remoteId.trim() === '') {
    return `no remoteId (got ${remoteId === undefined ? 'none' : JSON.stringify(remoteId)})`;
  }
  if (remoteId.length > MAX_REMOTE_ID_LENGTH) {
    return `a remoteId of ${remoteId.length} characters (at most ${MAX_REMOTE_ID_LENGTH})`;
  }
  if (url !== undefined && url !== null && (typeof url !== 'string' || !/^https?:\/\/\S+$/i.test(url))) {
    return `a url that is not an absolute http(s) address (${JSON.stringify(url)})`;
  }
  if (
    publishedAt !== undefined &&
    publishedAt !== null &&
    !(publishedAt instanceof Date && !Number.isNaN(publishedAt.getTime()))
  ) {
    return `a publishedAt that is not a valid Date (${JSON.stringify(publishedAt)})`;
  }
  return undefined;
}

/**
 * A connector answered with something that is not a result: a bug in the plugin, not a platform refusal. It is
 * permanent (a retry with the same code would answer the same, and could publish twice).
 */
export class InvalidConnectorAnswerError extends PermanentError {
  override name = 'InvalidConnectorAnswerError';

  constructor(connector: string, call: 'publish' | 'lookup', problem: string) {
    super(
      `connector "${connector}" answered ${call} with ${problem}: a bug in the connector plugin, not a refusal by the platform; the post may already be on the platform, so check the channel before rescheduling`,
    );
  }
}
