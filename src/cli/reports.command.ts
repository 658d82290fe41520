import { Command } from 'commander';
import { ReportRepository } from '../reporting/report.repository';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { formatLocal, shortIds, table } from './cli.format';
import { loadConfigOrExit } from './load-config-or-exit';
import { RecordIdRepository } from '../persistence/record-id.repository';
import { inCliContext } from './cli-context';
import { RecordsCliModule } from './modules/records-cli.module';

export function reportsCommand(): Command {
  const reports = new Command('reports').description('stored monthly reports');
  reports
    .command('list')
    .description('stored reports, newest month first, with their delivery state')
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
        const rows = await app.get(ReportRepository).list({ brand: options.brand });
        if (rows.length === 0) {
          process.stdout.write('no reports yet: `metronome report --brand <id>` renders one\n');
          return;
        }
        const short = shortIds(
          rows.map((row) => row.id),
          await app.get(RecordIdRepository).all('reports'),
        );
        const lines = rows.map((row) => {
          const zone = loaded.config.brands[row.brandId]?.timezone ?? loaded.config.organisation.timezone;
          const retry =
            row.nextDeliveryAt && row.status === 'rendered'
              ? [`delivery attempt ${row.deliveryAttempts + 1} at ${formatLocal(row.nextDeliveryAt, zone)}`]
              : [];
          return {
            cells: [
              short.get(row.id)!,
              row.brandId,
              row.month,
              row.status,
              row.bytes === null ? '—' : `${Math.round(row.bytes / 1024)} KB`,
              formatLocal(row.renderedAt, zone),
              formatLocal(row.deliveredAt, zone),
            ],
            notes: [...retry, ...(row.error ? [row.error] : [])],
          };
        });
        process.stdout.write(
          table(['ID', 'BRAND', 'MONTH', 'STATUS', 'SIZE', 'RENDERED', 'DELIVERED'], lines),
        );
      });
    });
  return reports;
}
