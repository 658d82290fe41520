import { Command } from 'commander';
import { ReportRepository } from '../reporting/report.repository';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { formatLocal } from './local-time.format';
import { loadConfigOrExit } from './load-config-or-exit';
import { withDatabase } from './with-database';

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
      await withDatabase(async (dataSource) => {
        const rows = await new ReportRepository(dataSource).list({ brand: options.brand });
        for (const row of rows) {
          const zone = loaded.config.brands[row.brandId]?.timezone ?? loaded.config.organisation.timezone;
          const when = (at: Date | null) => (at ? formatLocal(at.toISOString(), zone) : '—');
          const size = row.bytes === null ? '' : ` ${Math.round(row.bytes / 1024)} KB`;
          const retry =
            row.nextDeliveryAt && row.status === 'rendered'
              ? `; delivery attempt ${row.deliveryAttempts + 1} at ${when(row.nextDeliveryAt)}`
              : '';
          process.stdout.write(
            `${row.brandId.padEnd(16)} ${row.month}  ${row.status.toUpperCase().padEnd(10)}${size}` +
              `  rendered ${when(row.renderedAt)}, delivered ${when(row.deliveredAt)}${retry}  ${row.id}\n` +
              (row.error ? `    ${row.error}\n` : ''),
          );
        }
        if (rows.length === 0) {
          process.stdout.write('no reports yet: `metronome report --brand <id>` renders one\n');
        }
      });
    });
  return reports;
}
