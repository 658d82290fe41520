#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Command, CommanderError } from 'commander';
import { METRONOME_VERSION } from '../app/version';
import { DomainError } from '../errors/domain.error';
import { CliError, EXIT_FAILURE, EXIT_INVALID_INPUT, exitCodeOfKind } from './exit-codes';
import { StderrLogger } from './stderr.logger';

/**
 * Each command loads its module only when it runs: importing all of them (Nest, TypeORM, Puppeteer, the
 * report charts…) took seconds before `metronome posts list` could print a line.
 */
const COMMANDS: ReadonlyArray<[string, () => Promise<Command>]> = [
  ['start', async () => (await import('./start.command.js')).startCommand()],
  ['validate', async () => (await import('./validate.command.js')).validateCommand()],
  ['plan', async () => (await import('./plan.command.js')).planCommand()],
  ['posts', async () => (await import('./posts.command.js')).postsCommand()],
  ['approvals', async () => (await import('./approvals.command.js')).approvalsCommand()],
  ['incidents', async () => (await import('./incidents.command.js')).incidentsCommand()],
  ['channels', async () => (await import('./channels.command.js')).channelsCommand()],
  ['inbox', async () => (await import('./inbox.command.js')).inboxCommand()],
  ['cycle', async () => (await import('./cycle.command.js')).cycleCommand()],
  ['report', async () => (await import('./report.command.js')).reportCommand()],
  ['reports', async () => (await import('./reports.command.js')).reportsCommand()],
  ['metrics', async () => (await import('./metrics.command.js')).metricsCommand()],
  ['profiles', async () => (await import('./profiles.command.js')).profilesCommand()],
  ['sandbox', async () => (await import('./sandbox.command.js')).sandboxCommand()],
  ['migrate', async () => (await import('./migrate.command.js')).migrateCommand()],
  ['plugins', async () => (await import('./plugins.command.js')).pluginsCommand()],
  ['token', async () => (await import('./token.command.js')).tokenCommand()],
  ['people', async () => (await import('./people.command.js')).peopleCommand()],
  ['secrets', async () => (await import('./secrets.command.js')).secretsCommand()],
  ['schema', async () => (await import('./schema.command.js')).schemaCommand()],
];

/** The program with the command `argv` names (all of them for help, a typo or no command). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const named = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const versionOnly = named === undefined && argv.some((arg) => arg === '--version' || arg === '-V');
  const wanted = versionOnly
    ? []
    : COMMANDS.some(([name]) => name === named)
      ? COMMANDS.filter(([name]) => name === named)
      : COMMANDS;
  const program = new Command('metronome')
    .description(
      'Metronome: the social media management cycle (plan, prepare, publish & monitor, review) as code',
    )
    .version(METRONOME_VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const [, load] of wanted) {
    program.addCommand(await load());
  }
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
    await (await buildProgram(argv)).parseAsync(argv);
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
    if (error instanceof DomainError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = exitCodeOfKind(error.kind);
      return;
    }
    process.stderr.write(`metronome: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}

if (require.main === module) {
  void main(process.argv);
}
