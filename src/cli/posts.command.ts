import { Command, Option } from 'commander';
import { POST_STATES } from '../content/post-state-machine';
import { PostQueryService } from '../content/post-query.service';
import { PostReleaseService } from '../content/post-release.service';
import type { PublishState } from '../content/post.entity';
import { RecordIdRepository } from '../persistence/record-id.repository';
import { configOption, resolveConfigPath } from './config-path.option';
import { formatLocal, resolveId, shortIds, table } from './cli.format';
import { loadConfigOrExit } from './load-config-or-exit';
import { requirePerson } from './require-person';
import { inCliContext } from './cli-context';
import { RecordsCliModule } from './modules/records-cli.module';

/** A post id or a unique prefix of one; an ambiguous prefix lists the posts it could be. */
export function resolvePostId(ids: RecordIdRepository, given: string): Promise<string> {
  return resolveId(ids, 'posts', given, 'post');
}

export function postsCommand(): Command {
  const posts = new Command('posts').description('posts and where they stand');
  posts
    .command('list')
    .description(
      'list posts with their state, time (brand time zone), channels and, for problems, the reason',
    )
    .option('-b, --brand <id>', 'one brand only')
    .addOption(new Option('-s, --state <state>', 'only posts in this state').choices([...POST_STATES]))
    .option('--json', 'print JSON')
    .addOption(configOption())
    .action(async (options: { brand?: string; state?: PublishState; json?: boolean; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const rows = await app.get(PostQueryService).listPosts({
          brand: options.brand,
          state: options.state,
        });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('no posts match\n');
          return;
        }
        const short = shortIds(
          rows.map((row) => row.id),
          await app.get(RecordIdRepository).all('posts'),
        );
        const lines = rows.map((row) => {
          const zone = loaded.config.brands[row.brand]?.timezone ?? loaded.config.organisation.timezone;
          const channels = row.channels
            .map((c) => (c.state === row.state ? c.channel : `${c.channel}:${c.state}`))
            .join(',');
          const problems = [
            row.reason,
            ...row.channels.map((c) => (c.lastError ? `${c.channel}: ${c.lastError}` : null)),
          ].filter((problem): problem is string => !!problem);
          return {
            cells: [
              short.get(row.id)!,
              formatLocal(row.publishAt, zone),
              row.state,
              row.brand,
              channels,
              row.title,
            ],
            notes: problems.map((problem) => `↳ ${problem}`),
          };
        });
        process.stdout.write(table(['ID', 'PUBLISHES', 'STATE', 'BRAND', 'CHANNELS', 'TITLE'], lines));
      });
    });
  posts
    .command('release')
    .description('release a post a rule held: it returns to review, approved or scheduled, where it was')
    .argument('<post-id>')
    .requiredOption('--as <person>', 'who releases it (a person id from the config)')
    .addOption(configOption())
    .action(async (id: string, options: { as: string; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      requirePerson(loaded, options.as);
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const postId = await resolvePostId(app.get(RecordIdRepository), id);
        const { post, to } = await app.get(PostReleaseService).release(postId, options.as);
        process.stdout.write(`${post.title}: held → ${to}\n`);
      });
    });
  return posts;
}
