#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Command, CommanderError } from 'commander';
import { METRONOME_VERSION } from '../app/version';
import { CliError, EXIT_FAILURE, EXIT_INVALID_INPUT } from './exit-codes';
import { approvalsCommand } from './approvals.command';
import { cycleCommand } from './cycle.command';
import { inboxCommand } from './inbox.command';
import { channelsCommand } from './channels.command';
import { incidentsCommand } from './incidents.command';
import { migrateCommand } from './migrate.command';
import { planCommand } from './plan.command';
import { pluginsCommand } from './plugins.command';
import { profilesCommand } from './profiles.command';
import { sandboxCommand } from './sandbox.command';
import { StderrLogger } from './stderr.logger';
import { metricsCommand } from './metrics.command';
import { reportCommand } from './report.command';
import { reportsCommand } from './reports.command';
import { postsCommand } from './posts.command';
import { schemaCommand } from './schema.command';
import { startCommand } from './start.command';
import { tokenCommand } from './token.command';
import { validateCommand } from './validate.command';

export function buildProgram(): Command {
  const program = new Command('metronome')
    .description(
      'Metronome: the social media management cycle (plan, prepare, publish & monitor, review) as code',
    )
    .version(METRONOME_VERSION)
    .showHelpAfterError()
    .exitOverride();
  [
    startCommand(),
    validateCommand(),
    planCommand(),
    postsCommand(),
    approvalsCommand(),
    incidentsCommand(),
    channelsCommand(),
    inboxCommand(),
    cycleCommand(),
    reportCommand(),
    reportsCommand(),
    metricsCommand(),
    profilesCommand(),
    sandboxCommand(),
    migrateCommand(),
    pluginsCommand(),
    tokenCommand(),
    schemaCommand(),
  ].forEach((c) => program.addCommand(c));
  // Commands built with `new Command()` do not inherit settings: every level must throw, not exit, so
  // that usage errors leave with code 2.
  const throwInsteadOfExit = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(throwInsteadOfExit);
  };
  throwInsteadOfExit(program);
  return program;
}

/**
 * `metronome posts list | head`: once the reader is gone there is nobody to tell anything to, so the
 * command ends quietly (as cat and git do) instead of printing an EPIPE stack trace.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') {
        process.exit(Number(process.exitCode ?? 0));
      }
      throw error;
    });
  }
}

async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  // Log lines of a command go to standard error, never into its output; `start` replaces this with pino.
  Logger.overrideLogger(new StderrLogger());
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_INVALID_INPUT;
      return;
    }
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`metronome: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}

if (require.main === module) {
  void main(process.argv);
}
