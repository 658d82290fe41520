import { Command, Option } from 'commander';
import { createContentServices } from '../content/content-services';
import { PostReleaseError } from '../content/post-release.service';
import { POST_STATES } from '../content/post-state-machine';
import { PostQueryService } from '../content/post-query.service';
import type { PublishState } from '../persistence/entities/post.entity';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { formatLocal } from './local-time.format';
import { loadConfigOrExit } from './load-config-or-exit';
import { requirePerson } from './require-person';
import { withDatabase } from './with-database';

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
      await withDatabase(async (dataSource) => {
        const rows = await new PostQueryService(dataSource).listPosts({
          brand: options.brand,
          state: options.state,
        });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        for (const row of rows) {
          const zone = loaded.config.brands[row.brand]?.timezone ?? 'UTC';
          const channels = row.channels
            .map((c) => (c.state === row.state ? c.channel : `${c.channel}:${c.state}`))
            .join(',');
          process.stdout.write(
            `${formatLocal(row.publishAt, zone).padEnd(24)} ${row.state.padEnd(10)} ${row.brand.padEnd(12)} ${row.title}  [${channels}]  ${row.id}\n`,
          );
          const problems = [
            row.reason,
            ...row.channels.map((c) => (c.lastError ? `${c.channel}: ${c.lastError}` : null)),
          ].filter(Boolean);
          problems.forEach((problem) => process.stdout.write(`${' '.repeat(25)}↳ ${problem}\n`));
        }
        if (rows.length === 0) {
          process.stdout.write('no posts match\n');
        }
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
      await withDatabase(async (dataSource) => {
        try {
          const { post, to } = await createContentServices(dataSource).release.release(id, options.as);
          process.stdout.write(`${post.title}: held → ${to}\n`);
        } catch (error) {
          if (error instanceof PostReleaseError) {
            throw new CliError(error.message, EXIT_INVALID_INPUT);
          }
          throw error;
        }
      });
    });
  return posts;
}
