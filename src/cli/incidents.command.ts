import { Command, Option } from 'commander';
import { Clock } from '../clock/clock';
import type { LoadedConfig } from '../config/config.loader';
import { IncidentReachQuery, type IncidentStory } from '../escalations/incident-reach.query';
import { IncidentService } from '../escalations/incident.service';
import type { IncidentEntity } from '../escalations/incident.entity';
import { RecordIdRepository } from '../persistence/record-id.repository';
import { formatLocal, resolveId, shortIds, table } from './cli.format';
import { configOption, resolveConfigPath } from './config-path.option';
import { loadConfigOrExit } from './load-config-or-exit';
import { requirePerson } from './require-person';
import { inCliContext } from './cli-context';
import { RecordsCliModule } from './modules/records-cli.module';

function changeCommand(name: 'ack' | 'resolve', description: string): Command {
  return new Command(name)
    .description(description)
    .argument('<incident-id>', 'the id, or its first characters as `incidents list` shows them')
    .requiredOption('--as <person>', 'who is acting (a person id from the config)')
    .option('-m, --comment <text>', 'what was done or why, kept with the incident')
    .addOption(configOption())
    .action(async (id: string, options: { as: string; comment?: string; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      requirePerson(loaded, options.as);
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const incidents = app.get(IncidentService);
        const incidentId = await resolveIncidentId(app.get(RecordIdRepository), id);
        const now = app.get(Clock).now();
        const incident =
          name === 'ack'
            ? await incidents.acknowledge(incidentId, options.as, now, options.comment)
            : await incidents.resolve(incidentId, options.as, now, options.comment);
        process.stdout.write(`${incident.title}: ${incident.state} by ${options.as}\n`);
      });
    });
}

function resolveIncidentId(ids: RecordIdRepository, given: string): Promise<string> {
  return resolveId(ids, 'incidents', given, 'incident');
}

/**
 * The lines under an incident: who was reached through what, who could not be and why, what is next,
 * and who acknowledged or resolved it with their comment. "Reached" only ever means a send succeeded.
 */
export function incidentNotes(incident: IncidentEntity, story: IncidentStory, zone: string): string[] {
  const notes: string[] = [
    `raised by ${incident.rule.replace(/^guard:/, 'guard ').replace(/^rule:/, 'rule ')}`,
  ];
  const reached = story.reach.filter((r) => r.reached);
  const people = (list: typeof story.reach) =>
    [...new Set(list.map((r) => (r.notifier ? `${r.target} by ${r.notifier}` : r.target)))].join(', ');
  if (reached.length > 0) {
    notes.push(`reached ${people(reached)}`);
  }
  for (const miss of story.reach.filter((r) => !r.reached)) {
    notes.push(
      miss.notifier
        ? `could not reach ${miss.target} by ${miss.notifier}: ${miss.error ?? 'the send failed'}`
        : `could not reach ${miss.target}: ${miss.error ?? 'no address'}`,
    );
  }
  if (story.steps.total === 0) {
    notes.push('nobody to notify: its escalation policy has no levels');
  } else if (story.reach.length === 0 && incident.state === 'open') {
    notes.push(
      incident.nextEscalationAt
        ? `nobody notified yet: first notification due ${formatLocal(incident.nextEscalationAt, zone)}`
        : 'nobody notified yet',
    );
  } else if (incident.state === 'open' && incident.nextEscalationAt) {
    notes.push(
      `escalation step ${story.steps.sent + 1} of ${story.steps.total} due ${formatLocal(incident.nextEscalationAt, zone)}`,
    );
  }
  const said = (comment: string | null) => (comment ? `: "${comment}"` : '');
  if (incident.acknowledgedBy) {
    notes.push(
      `acknowledged by ${incident.acknowledgedBy} ${formatLocal(incident.acknowledgedAt, zone)}${said(story.acknowledgedComment)}`,
    );
  }
  if (incident.resolvedBy) {
    notes.push(
      `resolved by ${incident.resolvedBy} ${formatLocal(incident.resolvedAt, zone)}${said(story.resolvedComment)}`,
    );
  }
  return notes;
}

function zoneOf(loaded: LoadedConfig, incident: IncidentEntity): string {
  return (
    (incident.brandId && loaded.config.brands[incident.brandId]?.timezone) ||
    loaded.config.organisation.timezone
  );
}

export function incidentsCommand(): Command {
  const incidents = new Command('incidents').description(
    'incidents raised by rules and guards, and their escalation',
  );
  incidents
    .command('list')
    .description('open and acknowledged incidents (or those in --state), newest first, with who was reached')
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
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const rows = await app.get(IncidentService).list(options);
        if (rows.length === 0) {
          process.stdout.write(options.state ? `no ${options.state} incidents\n` : 'no open incidents\n');
          return;
        }
        const stories = await app.get(IncidentReachQuery).stories(rows);
        const short = shortIds(
          rows.map((row) => row.id),
          await app.get(RecordIdRepository).all('incidents'),
        );
        const lines = rows.map((row) => {
          const zone = zoneOf(loaded, row);
          return {
            cells: [short.get(row.id)!, formatLocal(row.openedAt, zone), row.state, row.severity, row.title],
            notes: incidentNotes(row, stories.get(row.id)!, zone),
          };
        });
        process.stdout.write(table(['ID', 'OPENED', 'STATE', 'SEVERITY', 'TITLE'], lines));
      });
    });
  incidents.addCommand(changeCommand('ack', 'acknowledge an incident: escalation stops'));
  incidents.addCommand(
    changeCommand('resolve', 'resolve an incident (it may open again if its cause remains)'),
  );
  return incidents;
}
