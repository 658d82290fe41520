import { Clock } from '../clock/clock';
import { Command } from 'commander';
import { recordConfigRevision } from '../config/config-sync.service';
import { MetricCollectionRepository } from '../metrics/metric-collection.repository';
import { MetricsCollector } from '../metrics/metrics-collector.service';
import { ConfigRevisionRepository } from '../persistence/config-revision.repository';
import { configOption, resolveConfigPath } from './config-path.option';
import { count, table } from './cli.format';
import { CliError, EXIT_FAILURE, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { inCliContext } from './cli-context';
import { MetricsCliModule } from './modules/metrics-cli.module';
import { RecordsCliModule } from './modules/records-cli.module';

function collectCommand(): Command {
  return new Command('collect')
    .description('fetch daily metrics now: yesterday and missed days of the last week, or one --day again')
    .option('-b, --brand <id>', 'one brand only')
    .option('-d, --day <YYYY-MM-DD>', 'collect this day (brand time zone) again, replacing its figures')
    .addOption(configOption())
    .action(async (options: { brand?: string; day?: string; config?: string }) => {
      const configPath = resolveConfigPath(options.config);
      const loaded = await loadConfigOrExit(configPath);
      await inCliContext(
        MetricsCliModule.forConfig(loaded, configPath),
        async (app) => {
          await recordConfigRevision(app.get(ConfigRevisionRepository), loaded);
          const summary = await app.get(MetricsCollector).collect(app.get(Clock).now(), options);
          const asked = summary.collected.length + summary.failed.length + summary.waiting.length;
          if (asked === 0) {
            process.stdout.write(
              summary.upToDate.length > 0
                ? 'nothing to collect: every day of the last week is collected already\n'
                : 'nothing to collect: no channel offers metrics\n',
            );
          }
          for (const day of summary.collected) {
            process.stdout.write(
              `collected ${day.brand}/${day.channel} ${day.day} (${count(day.posts, 'post')})\n`,
            );
          }
          for (const failure of summary.failed) {
            process.stdout.write(
              `FAILED    ${failure.brand}/${failure.channel} ${failure.day}: ${failure.error}\n`,
            );
          }
          for (const channel of summary.waiting) {
            process.stdout.write(
              `waiting   ${channel.brand}/${channel.channel}: failed less than an hour ago; tried again after that\n`,
            );
          }
          for (const skipped of summary.skipped) {
            process.stdout.write(`skipped   ${skipped.brand}/${skipped.channel}: ${skipped.reason}\n`);
          }
          if (summary.failed.length > 0) {
            process.exitCode = EXIT_FAILURE;
          }
        },
        ['error'],
      );
    });
}

function statusCommand(): Command {
  return new Command('status')
    .description('per channel: the last day collected and the last collection error')
    .option('-b, --brand <id>', 'one brand only')
    .addOption(configOption())
    .action(async (options: { brand?: string; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      if (options.brand && !loaded.config.brands[options.brand]) {
        throw new CliError(
          `unknown brand "${options.brand}" (brands: ${Object.keys(loaded.config.brands).join(', ')})`,
          EXIT_INVALID_INPUT,
        );
      }
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const channels = (await app.get(MetricCollectionRepository).channels()).filter(
          (channel) =>
            (!options.brand || channel.brandId === options.brand) &&
            loaded.plugins.find('connector', channel.connector)?.capabilities.metrics,
        );
        if (channels.length === 0) {
          process.stdout.write('no channel offers metrics: none of their connectors can report them\n');
          return;
        }
        const status = await app.get(MetricCollectionRepository).status(channels.map((c) => c.id));
        process.stdout.write(
          table(
            ['CHANNEL', 'LAST COLLECTED', 'LAST ERROR'],
            channels.map((channel, index) => {
              const row = status[index];
              return {
                cells: [
                  `${channel.brandId}/${channel.key}`,
                  row.lastCollectedDay ?? 'never',
                  row.lastError ? `${row.lastErrorDay}: ${row.lastError}` : '—',
                ],
              };
            }),
          ),
        );
      });
    });
}

export function metricsCommand(): Command {
  return new Command('metrics')
    .description('daily metric snapshots from the connectors')
    .addCommand(collectCommand())
    .addCommand(statusCommand());
}
