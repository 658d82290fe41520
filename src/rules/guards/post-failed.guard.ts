import { Finding, GuardContext, GuardRule } from './guard-rule';

/** A channel variant that failed or missed its time: someone has to act. */
export class PostFailedGuard implements GuardRule {
  readonly name = 'post-failed';
  readonly onByDefault = true;

  async findings({ facts }: GuardContext): Promise<Finding[]> {
    const rows = await facts.failedVariants();
    return rows.map((row) => ({
      brandId: row.brandId,
      subjectKey: `variant:${row.id}`,
      title: `Post ${row.state}: "${row.title}" on ${row.channel}`,
      severity: 'critical' as const,
      details: { post: row.title, channel: row.channel, state: row.state, error: row.error },
    }));
  }
}
