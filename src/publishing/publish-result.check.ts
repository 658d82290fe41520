import { PermanentError, type PublishAccepted, type PublishResult } from '../plugin-sdk';

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

/** A checked answer to publish or lookup: the post is on the platform, or accepted and finishing. */
export type CheckedOutcome = { published: PublishResult } | { accepted: PublishAccepted };

/**
 * Checks a connector's answer to publish or lookup and says which of the two it is; anything unusable throws an
 * InvalidConnectorAnswerError naming the connector. An "accepted" answer from a connector without `status` is
 * one too: the core could never learn where the post stands.
 */
export function checkedOutcome(
  connector: string,
  call: 'publish' | 'lookup',
  answer: unknown,
  canAskStatus: boolean,
): CheckedOutcome {
  if (
    typeof answer === 'object' &&
    answer !== null &&
    (answer as { status?: unknown }).status === 'accepted'
  ) {
    const problem = canAskStatus
      ? publishAcceptedProblem(answer as Record<string, unknown>)
      : '"accepted, finishing" but has no status(handle) to ask where the post stands (implement status and declare capabilities.twoStep, or answer with the published post)';
    if (problem) {
      throw new InvalidConnectorAnswerError(connector, call, problem);
    }
    return { accepted: answer as PublishAccepted };
  }
  const problem = publishResultProblem(answer);
  if (problem) {
    throw new InvalidConnectorAnswerError(connector, call, problem);
  }
  return { published: answer as PublishResult };
}

/** Longest handle an accepted answer may carry (the SDK's promise: at most 1,024 characters). */
const MAX_HANDLE_LENGTH = 1024;

/**
 * What is wrong with an "accepted, finishing" answer (`{ status: 'accepted', handle, checkAfterMs? }`), or
 * undefined when it is usable: a non-empty handle of at most 1,024 characters, and `checkAfterMs` (if present) a
 * finite number ≥ 0.
 */
export function publishAcceptedProblem(answer: Record<string, unknown>): string | undefined {
  const { handle, checkAfterMs } = answer;
  if (typeof handle !== 'string' || handle.trim() === '') {
    return `"accepted" without a handle (got ${handle === undefined ? 'none' : JSON.stringify(handle)})`;
  }
  if (handle.length > MAX_HANDLE_LENGTH) {
    return `"accepted" with a handle of ${handle.length} characters (at most ${MAX_HANDLE_LENGTH})`;
  }
  return checkAfterProblem(checkAfterMs, '"accepted"');
}

/**
 * What is wrong with an answer to `status(handle)`, or undefined when it is one of `{ status: 'published', result }`
 * (a usable result), `{ status: 'finishing', checkAfterMs? }` or `{ status: 'failed', reason }` (a non-empty reason).
 */
export function publishStatusProblem(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null) {
    return `${answer === null ? 'null' : typeof answer} instead of { status: 'published' | 'finishing' | 'failed', … }`;
  }
  const { status, result, checkAfterMs, reason } = answer as Record<string, unknown>;
  switch (status) {
    case 'published': {
      const problem = publishResultProblem(result);
      return problem ? `"published" with ${problem}` : undefined;
    }
    case 'finishing':
      return checkAfterProblem(checkAfterMs, '"finishing"');
    case 'failed':
      return typeof reason === 'string' && reason.trim() !== ''
        ? undefined
        : `"failed" without a reason (got ${reason === undefined ? 'none' : JSON.stringify(reason)})`;
    default:
      return `an unknown status ${JSON.stringify(status)} (expected "published", "finishing" or "failed")`;
  }
}

function checkAfterProblem(checkAfterMs: unknown, what: string): string | undefined {
  if (checkAfterMs === undefined) {
    return undefined;
  }
  return typeof checkAfterMs === 'number' && Number.isFinite(checkAfterMs) && checkAfterMs >= 0
    ? undefined
    : `${what} with a checkAfterMs that is not a finite number ≥ 0 (${typeof checkAfterMs === 'number' ? String(checkAfterMs) : JSON.stringify(checkAfterMs)})`;
}

/**
 * A connector answered with something that is not a result: a bug in the plugin, not a platform refusal. It is
 * permanent (a retry with the same code would answer the same, and could publish twice).
 */
export class InvalidConnectorAnswerError extends PermanentError {
  override name = 'InvalidConnectorAnswerError';

  constructor(connector: string, call: 'publish' | 'lookup' | 'status', problem: string) {
    super(
      `connector "${connector}" answered ${call} with ${problem}: a bug in the connector plugin, not a refusal by the platform; the post may already be on the platform, so check the channel before rescheduling`,
    );
  }
}
