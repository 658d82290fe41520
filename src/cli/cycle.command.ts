import { Command } from 'commander';
import { Clock } from '../clock/clock';
import { CycleStatusQuery } from '../cycles/cycle-status.query';
import { configOption, resolveConfigPath } from './config-path.option';
import { formatLocal } from './cli.format';
import { loadConfigOrExit } from './load-config-or-exit';
import { inCliContext } from './cli-context';
import { RecordsCliModule } from './modules/records-cli.module';

export function cycleCommand(): Command {
  const cycle = new Command('cycle').description(
    'the brands’ monthly cycles: plan → prepare → publish & monitor → review',
  );
  cycle
    .command('status')
    .description(
      'each brand: owner, this and next month against cadence, approvals pending/overdue, incidents, inbox, next deadlines',
    )
    .option('--json', 'print JSON')
    .addOption(configOption())
    .action(async (options: { json?: boolean; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const rows = await app.get(CycleStatusQuery).status(loaded.config, app.get(Clock).now());
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        for (const row of rows) {
          process.stdout.write(`${row.name} (${row.brand}) — owner ${row.owner}, ${row.timezone}\n`);
          for (const month of row.months) {
            const gap = month.cadenceTarget - month.postsPlanned;
            process.stdout.write(
              `  ${month.month}  ${month.stage.padEnd(8)} ${month.postsPlanned}/${month.cadenceTarget} posts planned${gap > 0 ? ` (${gap} short)` : ''}, ${month.published} published; plan due ${formatLocal(month.planDueAt, row.timezone)}\n`,
            );
          }
          process.stdout.write(
            `  approvals: ${row.approvalsPending} pending, ${row.approvalsOverdue} overdue; inbox: ${row.inboxWaiting} waiting\n` +
              `  incidents: ${row.incidents.open} open, ${row.incidents.acknowledged} acknowledged\n`,
          );
          row.incidents.top.forEach((title) => process.stdout.write(`    ${title}\n`));
          for (const deadline of row.nextDeadlines) {
            process.stdout.write(`  next: ${formatLocal(deadline.at, row.timezone)}  ${deadline.what}\n`);
          }
        }
      });
    });
  return cycle;
}
