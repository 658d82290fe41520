import { Command } from 'commander';
import { ApiTokenRepository } from '../persistence/api-token.repository';
import { configOption } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { withDatabase } from './with-database';

export function tokenCommand(): Command {
  const token = new Command('token').description('API tokens for the REST API (stored hashed)');
  token
    .command('create')
    .description('create a token; it is printed once and cannot be shown again')
    .requiredOption('-n, --name <name>', 'what the token is for, e.g. "ci" or "grafana"')
    .addOption(configOption())
    .action(async (options: { name: string }) => {
      await withDatabase(async (dataSource) => {
        const repository = new ApiTokenRepository(dataSource);
        if ((await repository.list()).some((t) => t.name === options.name && !t.revokedAt)) {
          throw new CliError(
            `a token named "${options.name}" already exists: revoke it first or pick another name`,
            EXIT_INVALID_INPUT,
          );
        }
        const created = await repository.create(options.name);
        process.stdout.write(`${created.plaintext}\n`);
        process.stderr.write(
          `token "${options.name}" created; send it as "Authorization: Bearer <token>". It will not be shown again.\n`,
        );
      });
    });
  token
    .command('revoke')
    .description('revoke a token by name or id')
    .argument('<name-or-id>')
    .addOption(configOption())
    .action(async (nameOrId: string) => {
      await withDatabase(async (dataSource) => {
        const revoked = await new ApiTokenRepository(dataSource).revoke(nameOrId);
        if (!revoked) {
          throw new CliError(
            `no active token named or with id "${nameOrId}": see \`metronome token list\``,
            EXIT_INVALID_INPUT,
          );
        }
        process.stdout.write(`revoked ${nameOrId}\n`);
      });
    });
  token
    .command('list')
    .description('list tokens (never their values)')
    .addOption(configOption())
    .action(async () => {
      await withDatabase(async (dataSource) => {
        for (const t of await new ApiTokenRepository(dataSource).list()) {
          const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active';
          process.stdout.write(
            `${t.name.padEnd(20)} ${t.prefix}…  created ${t.createdAt.toISOString()}  ${state}\n`,
          );
        }
      });
    });
  return token;
}
