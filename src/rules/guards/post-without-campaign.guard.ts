import { Finding, GuardContext, GuardRule } from './guard-rule';

/** A post on its way out with no campaign: the seed's "ad hoc content", flagged, not blocked. */
export class PostWithoutCampaignGuard implements GuardRule {
  readonly name = 'post-without-campaign';
  readonly onByDefault = false;

  async findings({ facts }: GuardContext): Promise<Finding[]> {
    const posts = await facts.postsWithoutCampaign(['in_review', 'approved', 'scheduled']);
    return posts.map((post) => ({
      brandId: post.brandId,
      subjectKey: `post:${post.id}`,
      title: `Ad hoc content: "${post.title}" belongs to no campaign`,
      severity: 'info' as const,
      details: { post: post.title, file: post.sourcePath, publishAt: post.publishAt?.toISOString() ?? null },
    }));
  }
}
