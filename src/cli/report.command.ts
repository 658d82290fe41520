import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { recordConfigRevision } from '../config/config-sync.service';
import { ConfigRevisionRepository } from '../persistence/config-revision.repository';
import { ReportDeliveryService } from '../reporting/report-delivery.service';
import { ReportRenderService } from '../reporting/report-render.service';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { inCliContext } from './cli-context';
import { ReportCliModule } from './modules/report-cli.module';

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'render a monthly report as PDF now; with --deliver, (re-)deliver it (a failed target is retried by the workers)',
    )
    .option('-b, --brand <id>', 'the brand')
    .option('-m, --month <YYYY-MM>', 'the month (default: the previous month in the brand’s time zone)')
    .option('-o, --out <file>', 'also write the PDF here (one brand only)')
    .option('--all', 'every brand')
    .option('--deliver', 'also send it as the brand’s reports.delivery says (once per report)')
    .addOption(configOption())
    .action(
      async (options: {
        brand?: string;
        month?: string;
        out?: string;
        all?: boolean;
        deliver?: boolean;
        config?: string;
      }) => {
        const configPath = resolveConfigPath(options.config);
        const loaded = await loadConfigOrExit(configPath);
        const brands = options.all ? Object.keys(loaded.config.brands) : options.brand ? [options.brand] : [];
        if (brands.length === 0) {
          throw new CliError('name a brand with --brand <id>, or use --all', EXIT_INVALID_INPUT);
        }
        for (const brand of brands) {
          if (!loaded.config.brands[brand]) {
            throw new CliError(
              `unknown brand "${brand}" (brands: ${Object.keys(loaded.config.brands).join(', ')})`,
              EXIT_INVALID_INPUT,
            );
          }
        }
        if (options.month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(options.month)) {
          throw new CliError(`--month ${options.month}: write YYYY-MM, e.g. 2026-10`, EXIT_INVALID_INPUT);
        }
        if (options.out && brands.length > 1) {
          throw new CliError('--out writes one file: use it with --brand, not --all', EXIT_INVALID_INPUT);
        }
        await inCliContext(ReportCliModule.forConfig(loaded, configPath), async (app) => {
          // Reports reference their brand row: mirror the config first, as the scheduler does at start.
          await recordConfigRevision(app.get(ConfigRevisionRepository), loaded);
          const renderer = app.get(ReportRenderService);
          for (const [index, brand] of brands.entries()) {
            const zone = loaded.config.brands[brand].timezone;
            const month =
              options.month ?? DateTime.now().setZone(zone).minus({ months: 1 }).toFormat('yyyy-LL');
            const started = performance.now();
            const report = await renderer.render(brand, month);
            if (options.out) {
              writeFileSync(options.out, report.pdf);
            }
            const delivered = options.deliver
              ? await app.get(ReportDeliveryService).deliver(brand, month, report)
              : undefined;
            const deliveredText = Array.isArray(delivered)
              ? `; delivered: ${delivered.map((d) => `${d.target} ${d.status}${d.error ? ` (${d.error})` : ''}`).join(', ') || 'no delivery configured'}`
              : delivered
                ? '; already delivered before'
                : '';
            const bar = `${'█'.repeat(index + 1)}${'░'.repeat(brands.length - index - 1)}`;
            process.stdout.write(
              `${brands.length > 1 ? `${bar} ${index + 1}/${brands.length}  ` : ''}${brand} ${month}: ${report.filePath}` +
                `${options.out ? ` and ${options.out}` : ''} (${Math.round(report.pdf.byteLength / 1024)} KB, ${Math.round(performance.now() - started)} ms)${deliveredText}\n`,
            );
          }
        });
      },
    );
}
