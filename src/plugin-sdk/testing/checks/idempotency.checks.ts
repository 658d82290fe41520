import { isPublishAccepted } from '../../connector';
import { ConformanceProblem, describeError, isSdkError } from '../conformance-session';
import type { ConformanceCheck } from './conformance-check';

export const idempotentPublish: ConformanceCheck = {
  name: 'idempotent-publish',
  title: 'the same idempotency key twice makes one post with one remoteId',
  capability: 'publish',
  methods: ['publish'],
  after: ['publish-signature'],
  async run(session) {
    const request = session.request('idempotent');
    const first = await session.publish(request);
    const second = await session.publish({ ...request });
    if (second.remoteId !== first.remoteId) {
      throw new ConformanceProblem(
        `two publishes with the same idempotency key answered different posts ("${first.remoteId}", then "${second.remoteId}"): a retry carries the same key and must get the first post back. Send request.idempotencyKey to the platform (an Idempotency-Key header, a record key derived from it) or remember the result in context.state under the key`,
      );
    }
    await session.expectOnePost(request, first, 'after two publishes with one key');
  },
};

export const distinctKeys: ConformanceCheck = {
  name: 'distinct-keys',
  title: 'different idempotency keys make different posts',
  capability: 'publish',
  methods: ['publish'],
  after: ['publish-signature'],
  async run(session) {
    const one = session.request('distinct-1');
    const two = session.request('distinct-2');
    const first = await session.publish(one);
    const second = await session.publish(two);
    if (first.remoteId === second.remoteId) {
      throw new ConformanceProblem(
        `two posts with different idempotency keys ("${one.idempotencyKey}", "${two.idempotencyKey}") both answered remoteId "${first.remoteId}": the second post was recorded as the first. Key what you remember by request.idempotencyKey`,
      );
    }
    await session.expectOnePost(one, first, 'after publishing two posts');
    await session.expectOnePost(two, second, 'after publishing two posts');
  },
};

export const lookupUnknownKey: ConformanceCheck = {
  name: 'lookup-unknown-key',
  title: 'lookup of a key never published answers undefined',
  capability: 'publish',
  methods: ['lookup'],
  async run(session) {
    const { connector } = session;
    const unknown = session.key('never-published');
    const found = await connector.lookup!(unknown);
    if (found !== undefined && found !== null) {
      throw new ConformanceProblem(
        `lookup("${unknown}") of a key never published answered ${JSON.stringify(found)}: answer undefined when no post was published with the key, or the core records a post that does not exist`,
      );
    }
  },
};

export const lookupAfterLostAnswer: ConformanceCheck = {
  name: 'lookup-after-lost-answer',
  title:
    'after a crash between send and record, a new instance finds the post with lookup (no second publish)',
  capability: 'publish',
  methods: ['publish', 'lookup'],
  after: ['publish-signature'],
  async run(session) {
    const request = session.request('lost-answer');
    await session.platform.injectFault({ kind: 'lost-answer' });
    let answered = false;
    try {
      await session.publish(request);
      answered = true;
    } catch (error) {
      if (error instanceof ConformanceProblem) {
        throw error;
      }
      if (
        isSdkError(error, 'PermanentError') ||
        isSdkError(error, 'AuthenticationError') ||
        isSdkError(error, 'RateLimitedError')
      ) {
        throw new ConformanceProblem(
          `the answer to a publish never arrived (the post was created) and the connector threw ${describeError(error)}: the post may exist, so throw outcomeUnknown(...) (OutcomeUnknownError) and let lookup find it`,
        );
      }
    }
    if (answered) {
      throw new ConformanceProblem(
        'publish succeeded although the platform dropped its answer: the platform did not apply the lost-answer fault (check injectFault, or the fault proxy’s matcher)',
      );
    }
    const restarted = await session.newConnector();
    try {
      const found = await restarted.lookup!(request.idempotencyKey);
      if (!found) {
        throw new ConformanceProblem(
          `the post was created but its answer lost, and lookup("${request.idempotencyKey}") on a new connector instance (same state store) found nothing: the core would publish it again. Before sending, store what identifies the post in context.state under the key (or send the key to the platform) and let lookup find it there`,
        );
      }
      const result = await session.settle(found, 'lookup after a lost answer', restarted);
      await session.expectOnePost(request, result, 'after a lost answer and lookup');
    } finally {
      await restarted.close?.();
    }
  },
};

export const twoStepStatus: ConformanceCheck = {
  name: 'two-step-status',
  title: 'an accepted post is followed with status until published, and a repeat never creates it again',
  capability: 'twoStep',
  methods: ['publish', 'status', 'lookup'],
  after: ['publish-signature'],
  async run(session) {
    const request = session.request('two-step');
    const outcome = await session.connector.publish!(request);
    const notes: string[] = [];
    if (!isPublishAccepted(outcome)) {
      notes.push('publish answered the published post directly (allowed for a two-step connector)');
    } else if (!outcome.handle || outcome.handle.length > 1024) {
      throw new ConformanceProblem(
        `publish answered "accepted" with handle ${JSON.stringify(outcome.handle)}: the handle must be non-empty and at most 1,024 characters`,
      );
    }
    const result = await session.settle(outcome, 'publish');
    const again = await session.settle(
      await session.connector.publish!({ ...request }),
      'a repeated publish',
    );
    if (again.remoteId !== result.remoteId) {
      throw new ConformanceProblem(
        `a repeated publish of an accepted post answered "${again.remoteId}" instead of "${result.remoteId}": never create the container again; find it by the key (context.state) and answer its handle`,
      );
    }
    const found = await session.connector.lookup!(request.idempotencyKey);
    if (!found) {
      throw new ConformanceProblem(
        `lookup("${request.idempotencyKey}") found nothing for an accepted post: store the handle in context.state under the key before publish returns it`,
      );
    }
    await session.expectOnePost(request, result, 'after a two-step publish and its repeat');
    return notes;
  },
};
