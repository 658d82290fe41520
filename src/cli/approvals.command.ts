import { Command } from 'commander';
import { ApprovalService } from '../approvals/approval.service';
import { PostQueryService } from '../content/post-query.service';
import type { ApprovalDecisionKind } from '../approvals/approval-decision.entity';
import { RecordIdRepository } from '../persistence/record-id.repository';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { formatLocal, shortIds, table } from './cli.format';
import { loadConfigOrExit } from './load-config-or-exit';
import { requirePerson } from './require-person';
import { resolvePostId } from './posts.command';
import { inCliContext } from './cli-context';
import { RecordsCliModule } from './modules/records-cli.module';

function decisionCommand(name: string, decision: ApprovalDecisionKind, description: string): Command {
  return new Command(name)
    .description(description)
    .argument('<post-id>')
    .requiredOption('--as <person>', 'who decides (a person id from the config)')
    .option(
      '-m, --comment <text>',
      decision === 'approve' ? 'optional note' : 'the reason, shown to the author',
    )
    .addOption(configOption())
    .action(async (postId: string, options: { as: string; comment?: string; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      requirePerson(loaded, options.as);
      if (decision !== 'approve' && !options.comment) {
        throw new CliError(`say why with --comment: the author sees it`, EXIT_INVALID_INPUT);
      }
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const outcome = await app.get(ApprovalService).decide({
          postId: await resolvePostId(app.get(RecordIdRepository), postId),
          person: options.as,
          decision,
          comment: options.comment,
        });
        process.stdout.write(
          `${outcome.post.title}: ${decision} at "${outcome.step.stepName}" → post is ${outcome.postState}\n`,
        );
      });
    });
}

export function approvalsCommand(): Command {
  const approvals = new Command('approvals').description('approval steps waiting on people');
  approvals
    .command('list')
    .description('open approval steps, oldest deadline first')
    .option('-b, --brand <id>', 'one brand only')
    .option('--for <person>', 'only steps this person can decide')
    .option('--overdue', 'only steps past their deadline')
    .addOption(configOption())
    .action(async (options: { brand?: string; for?: string; overdue?: boolean; config?: string }) => {
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const rows = await app.get(PostQueryService).pendingApprovals({
          brand: options.brand,
          person: options.for,
          overdueOnly: options.overdue,
        });
        if (rows.length === 0) {
          process.stdout.write('nothing waits for approval\n');
          return;
        }
        const short = shortIds(
          rows.map((row) => row.postId),
          await app.get(RecordIdRepository).all('posts'),
        );
        const lines = rows.map((row) => {
          const zone = loaded.config.brands[row.brand]?.timezone ?? loaded.config.organisation.timezone;
          const waiting = row.approvers.filter((p) => !row.approvedBy.includes(p));
          return {
            cells: [
              short.get(row.postId)!,
              `${formatLocal(row.dueAt, zone)}${row.overdue ? ' OVERDUE' : ''}`,
              `${row.step} (${row.mode})`,
              waiting.join(', '),
              formatLocal(row.publishAt, zone),
              row.brand,
              row.title,
            ],
          };
        });
        process.stdout.write(
          table(['POST', 'DUE', 'STEP', 'WAITING ON', 'PUBLISHES', 'BRAND', 'TITLE'], lines),
        );
      });
    });
  approvals.addCommand(decisionCommand('approve', 'approve', 'approve the open step of a post'));
  approvals.addCommand(decisionCommand('reject', 'reject', 'reject a post: back to draft with your reason'));
  approvals.addCommand(
    decisionCommand('request-changes', 'request_changes', 'ask for changes: back to draft with your note'),
  );
  return approvals;
}
