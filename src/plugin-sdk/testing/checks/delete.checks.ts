import { ConformanceProblem, describeError } from '../conformance-session';
import type { ConformanceCheck } from './conformance-check';

export const deletePost: ConformanceCheck = {
  name: 'delete',
  title: 'a deleted post is gone, and deleting it again is not an error',
  capability: 'delete',
  methods: ['publish', 'delete'],
  after: ['publish-signature'],
  async run(session) {
    const request = session.request('delete');
    const { remoteId } = await session.publish(request);
    await session.connector.delete!(remoteId);
    if ((await session.platform.posts()).some((post) => post.remoteId === remoteId)) {
      throw new ConformanceProblem(`delete("${remoteId}") returned but the post is still on the platform`);
    }
    try {
      await session.connector.delete!(remoteId);
    } catch (error) {
      throw new ConformanceProblem(
        `deleting a post that is already gone threw ${describeError(error)}: treat "not found" as deleted (the core may ask twice, or a person deleted it by hand)`,
      );
    }
  },
};
