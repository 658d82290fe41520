import { Command, Option } from 'commander';
import { IncidentError, IncidentService } from '../escalations/incident.service';
import { AuditRepository } from '../persistence/audit.repository';
import type { IncidentEntity } from '../persistence/entities/incident.entity';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { formatLocal } from './local-time.format';
import { loadConfigOrExit } from './load-config-or-exit';
import { requirePerson } from './require-person';
import { withDatabase } from './with-database';

function changeCommand(name: 'ack' | 'resolve', description: string): Command {
  return new Command(name)
    .description(description)
    .argument('<incident-id>')
    .requiredOption('--as <person>', 'who is acting (a person id from the config)')
    .addOption(configOption())
    .action(async (id: string, options: { as: string; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      requirePerson(loaded, options.as);
      await withDatabase(async (dataSource) => {
        const incidents = new IncidentService(dataSource, new AuditRepository(dataSource));
        try {
          const incident =
            name === 'ack'
              ? await incidents.acknowledge(id, options.as)
              : await incidents.resolve(id, options.as);
          process.stdout.write(`${incident.title}: ${incident.state}\n`);
        } catch (error) {
          if (error instanceof IncidentError) {
            throw new CliError(error.message, EXIT_INVALID_INPUT);
          }
          throw error;
        }
      });
    });
}

export function incidentsCommand(): Command {
  const incidents = new Command('incidents').description(
    'incidents raised by rules and guards, and their escalation',
  );
  incidents
    .command('list')
    .description('unresolved incidents, newest first')
    .option('-b, --brand <id>', 'one brand only')
    .addOption(
      new Option('-s, --state <state>', 'show incidents in this state').choices([
        'open',
        'acknowledged',
        'resolved',
      ]),
    )
    .addOption(configOption())
    .action(async (options: { brand?: string; state?: IncidentEntity['state']; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      await withDatabase(async (dataSource) => {
        const rows = await new IncidentService(dataSource, new AuditRepository(dataSource)).list(options);
        for (const row of rows) {
          const zone =
            (row.brandId && loaded.config.brands[row.brandId]?.timezone) ||
            loaded.config.organisation.timezone;
          const level = (row.policySnapshot as { levels?: unknown[] }).levels?.length ?? 0;
          process.stdout.write(
            `${row.state.toUpperCase().padEnd(12)} ${row.severity.padEnd(8)} ${row.title}\n` +
              `    opened ${formatLocal(row.openedAt.toISOString(), zone)} by ${row.rule}; notified ${row.level} of ${level} level(s)` +
              `${row.acknowledgedBy ? `; acknowledged by ${row.acknowledgedBy}` : ''}  ${row.id}\n`,
          );
        }
        if (rows.length === 0) {
          process.stdout.write('no incidents\n');
        }
      });
    });
  incidents.addCommand(changeCommand('ack', 'acknowledge an incident: escalation stops'));
  incidents.addCommand(changeCommand('resolve', 'resolve an incident'));
  return incidents;
}
