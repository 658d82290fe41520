import type { ConformanceCheck } from './conformance-check';
import { deletePost } from './delete.checks';
import { forbidden, rateLimited, refused, serverError, timeout, unauthorized } from './error-mapping.checks';
import {
  distinctKeys,
  idempotentPublish,
  lookupAfterLostAnswer,
  lookupUnknownKey,
  twoStepStatus,
} from './idempotency.checks';
import { inboxCursor } from './inbox.checks';
import { textLimit } from './limits.checks';
import { metricsShape } from './metrics.checks';
import { capabilitiesMatchMethods, publishSignature } from './shape.checks';

/** Every check, in the order they run (the same order as CONFORMANCE_CHECKS). */
export const ALL_CHECKS: ConformanceCheck[] = [
  publishSignature,
  capabilitiesMatchMethods,
  idempotentPublish,
  distinctKeys,
  lookupUnknownKey,
  lookupAfterLostAnswer,
  twoStepStatus,
  rateLimited,
  unauthorized,
  forbidden,
  refused,
  serverError,
  timeout,
  textLimit,
  deletePost,
  inboxCursor,
  metricsShape,
];
