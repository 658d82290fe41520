import { Command, Option } from 'commander';
import { POST_STATES } from '../content/post-state-machine';
import { PostQueryService } from '../content/post-query.service';
import type { PublishState } from '../persistence/entities/post.entity';
import { configOption, resolveConfigPath } from './config-path.option';
import { formatLocal } from './local-time.format';
import { loadConfigOrExit } from './load-config-or-exit';
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
  return posts;
}
