import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { rolesIn } from '../access/brand-access';
import { ROLE_PERMISSIONS } from '../access/brand-permission';
import { SubjectBrandsRepository } from '../http/subject-brands.repository';
import { Command, Option } from 'commander';
import { Clock } from '../clock/clock';
import { recordConfigRevision } from '../config/config-sync.service';
import { InboxPoller } from '../inbox/inbox.poller';
import { InboxService } from '../inbox/inbox.service';
import { InboxReplies } from '../inbox/inbox-replies.service';
import { ConfigRevisionRepository } from '../persistence/config-revision.repository';
import type { InboxItemState } from '../inbox/inbox-item.entity';
import { RecordIdRepository } from '../persistence/record-id.repository';
import { configOption, resolveConfigPath } from './config-path.option';
import { count, formatLocal, resolveId, shortIds, table } from './cli.format';
import { CliError, EXIT_FAILURE, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { requirePerson } from './require-person';
import { inCliContext } from './cli-context';
import { InboxPollCliModule } from './modules/inbox-poll-cli.module';
import { RecordsCliModule } from './modules/records-cli.module';

function changeCommand(name: 'answer' | 'ignore', description: string): Command {
  return new Command(name)
    .description(description)
    .argument('<item-id>')
    .requiredOption('--as <person>', 'who is acting (a person id from the config)')
    .addOption(configOption())
    .action(async (id: string, options: { as: string; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      requirePerson(loaded, options.as);
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const inbox = app.get(InboxService);
        const itemId = await resolveId(app.get(RecordIdRepository), 'inbox_items', id, 'inbox item');
        const item =
          name === 'answer' ? await inbox.answer(itemId, options.as) : await inbox.ignore(itemId, options.as);
        process.stdout.write(`${item.kind} from ${item.author}: ${item.state}\n`);
      });
    });
}

/** `inbox assign <item> <person|none> --as <person>`: who is to answer it. */
function assignCommand(): Command {
  return new Command('assign')
    .description('give an item to a person to answer (`none` to unassign); they must work the brand’s inbox')
    .argument('<item-id>')
    .argument('<person>', 'a people: id, or none')
    .requiredOption('--as <person>', 'who is acting (a person id from the config)')
    .addOption(configOption())
    .action(async (id: string, assignee: string, options: { as: string; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      requirePerson(loaded, options.as);
      const target = assignee === 'none' ? null : assignee;
      if (target !== null) {
        requirePerson(loaded, target);
      }
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const itemId = await resolveId(app.get(RecordIdRepository), 'inbox_items', id, 'inbox item');
        const brandId = await new SubjectBrandsRepository(app.get(DataSource)).brandOf('inbox-item', itemId);
        if (
          target !== null &&
          brandId &&
          !rolesIn(loaded.config, target, brandId).some((role) => ROLE_PERMISSIONS[role].includes('inbox'))
        ) {
          throw new CliError(
            `"${target}" does not work the inbox of "${brandId}": give them the community or owner role under brands.${brandId}.roles`,
            EXIT_INVALID_INPUT,
          );
        }
        const item = await app.get(InboxService).assign(itemId, target, options.as);
        process.stdout.write(
          `${item.kind} from ${item.author}: ${target ? `assigned to ${target}` : 'unassigned'}\n`,
        );
      });
    });
}

/** The reply's text: exactly one of --text and --file (a file read as UTF-8). */
function replyText(options: { text?: string; file?: string }): string {
  if ((options.text === undefined) === (options.file === undefined)) {
    throw new CliError('give the reply as --text "…" or --file <path> (one of them)', EXIT_INVALID_INPUT);
  }
  if (options.text !== undefined) {
    return options.text;
  }
  try {
    return readFileSync(options.file!, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --file ${options.file}: ${(error as Error).message}`, EXIT_INVALID_INPUT);
  }
}

function replyCommand(): Command {
  return new Command('reply')
    .description(
      'answer an item on the platform through its channel’s connector, exactly once (the item counts as answered once sent)',
    )
    .argument('<item-id>')
    .option('--text <text>', 'the reply')
    .option('--file <path>', 'read the reply from this file')
    .option('--later', 'do not send now: the scheduler’s next inbox round sends it')
    .requiredOption('--as <person>', 'who is replying (a person id from the config)')
    .addOption(configOption())
    .action(
      async (
        id: string,
        options: { text?: string; file?: string; later?: boolean; as: string; config?: string },
      ) => {
        const text = replyText(options);
        const configPath = resolveConfigPath(options.config);
        const loaded = await loadConfigOrExit(configPath);
        requirePerson(loaded, options.as);
        await inCliContext(InboxPollCliModule.forConfig(loaded, configPath), async (app) => {
          await recordConfigRevision(app.get(ConfigRevisionRepository), loaded);
          const itemId = await resolveId(app.get(RecordIdRepository), 'inbox_items', id, 'inbox item');
          const reply = await app
            .get(InboxReplies)
            .reply(itemId, text, options.as, { sendNow: !options.later });
          const where = reply.url ?? reply.remoteId ?? '';
          process.stdout.write(
            reply.state === 'sent'
              ? `reply ${reply.id} sent on ${reply.channel}${where ? `: ${where}` : ''}\n`
              : reply.state === 'failed'
                ? `reply ${reply.id} failed: ${reply.lastError}\n`
                : `reply ${reply.id} ${reply.state}${reply.lastError ? ` (${reply.lastError})` : ''}: the scheduler sends it\n`,
          );
          if (reply.state === 'failed') {
            process.exitCode = EXIT_FAILURE;
          }
        });
      },
    );
}

export function inboxCommand(): Command {
  const inbox = new Command('inbox').description('comments, mentions and messages, and who answered them');
  inbox
    .command('list')
    .description(
      'items waiting for an answer (or in --state), newest first, with their age in business hours',
    )
    .option('-b, --brand <id>', 'one brand only')
    .addOption(
      new Option('-s, --state <state>', 'show items in this state').choices([
        'new',
        'answered',
        'escalated',
        'ignored',
      ]),
    )
    .option('--json', 'print JSON')
    .addOption(configOption())
    .action(async (options: { brand?: string; state?: InboxItemState; json?: boolean; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const rows = await app.get(InboxService).list(options);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write(options.state ? `no ${options.state} items\n` : 'inbox zero\n');
          return;
        }
        const short = shortIds(
          rows.map((row) => row.id),
          await app.get(RecordIdRepository).all('inbox_items'),
        );
        const lines = rows.map((row) => {
          const zone = loaded.config.brands[row.brand]?.timezone ?? loaded.config.organisation.timezone;
          return {
            cells: [
              short.get(row.id)!,
              formatLocal(row.receivedAt, zone),
              row.state,
              `${row.brand}/${row.channel}`,
              `${row.author} (${row.kind})`,
              `“${row.text.replace(/\s+/g, ' ').slice(0, 120)}”`,
            ],
          };
        });
        process.stdout.write(table(['ID', 'RECEIVED', 'STATE', 'CHANNEL', 'FROM', 'TEXT'], lines));
      });
    });
  inbox.addCommand(changeCommand('answer', 'record that an item was answered on the platform'));
  inbox.addCommand(replyCommand());
  inbox.addCommand(assignCommand());
  inbox.addCommand(changeCommand('ignore', 'set an item aside (spam, nothing to answer): it leaves the SLA'));
  inbox
    .command('poll')
    .description(
      'read every channel’s inbox now and run the inbox rules (the scheduler does this every 2 minutes)',
    )
    .option('-b, --brand <id>', 'one brand only')
    .addOption(configOption())
    .action(async (options: { brand?: string; config?: string }) => {
      const configPath = resolveConfigPath(options.config);
      const loaded = await loadConfigOrExit(configPath);
      if (options.brand && !loaded.config.brands[options.brand]) {
        throw new CliError(
          `unknown brand "${options.brand}" (brands: ${Object.keys(loaded.config.brands).join(', ')})`,
          EXIT_INVALID_INPUT,
        );
      }
      await inCliContext(InboxPollCliModule.forConfig(loaded, configPath), async (app) => {
        await recordConfigRevision(app.get(ConfigRevisionRepository), loaded);
        const report = await app.get(InboxPoller).poll(app.get(Clock).now(), options.brand);
        process.stdout.write(
          `${count(report.channels, 'channel')} read: ${count(report.stored, 'new item')}, ${report.answered} answered, ${count(report.fired, 'rule firing')}\n`,
        );
        for (const failure of report.failures) {
          process.stdout.write(`FAILED    ${failure.channel}: ${failure.error}\n`);
        }
        for (const skipped of report.skipped) {
          process.stdout.write(`skipped   ${skipped.channel}: ${skipped.reason}\n`);
        }
        if (report.failures.length > 0) {
          process.exitCode = EXIT_FAILURE;
        }
      });
    });
  return inbox;
}
