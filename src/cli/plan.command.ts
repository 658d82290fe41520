import { Command } from 'commander';
import { formatConfigIssue, sortConfigIssues } from '../config/config-issue';
import { recordConfigRevision } from '../config/config-sync.service';
import { PlanSyncService } from '../content/plan-sync.service';
import { ConfigRevisionRepository } from '../persistence/config-revision.repository';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { inCliContext } from './cli-context';
import { RecordsCliModule } from './modules/records-cli.module';

export function planCommand(): Command {
  const plan = new Command('plan').description('plan and prepare: the brands’ content folders');
  plan
    .command('sync')
    .description(
      'import content files: new → posts, edited → updated (approvals restart), deleted → cancelled',
    )
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
        await recordConfigRevision(app.get(ConfigRevisionRepository), loaded);
        const planSync = app.get(PlanSyncService);
        const reports = options.brand
          ? [await planSync.syncBrand(loaded, options.brand)]
          : await planSync.syncAll(loaded);
        let problems = 0;
        for (const report of reports) {
          process.stdout.write(
            `${report.brand}: ${report.created.length} new, ${report.updated.length} updated, ${report.unchanged} unchanged, ${report.cancelled.length} cancelled` +
              (report.keptPublished.length
                ? `, ${report.keptPublished.length} published and kept as they were`
                : '') +
              '\n',
          );
          for (const issue of sortConfigIssues(report.issues)) {
            process.stderr.write(`${formatConfigIssue(issue)}\n`);
            problems++;
          }
        }
        if (problems > 0) {
          throw new CliError(
            `${problems} problem${problems === 1 ? '' : 's'} in content files; those files were not imported`,
            EXIT_INVALID_INPUT,
          );
        }
      });
    });
  return plan;
}
