import { Command } from 'commander';
import { didYouMean } from '../config/did-you-mean';
import { API_SCOPES, ApiScopeError, parseScopes } from '../http/api-scopes';
import type { ApiTokenEntity } from '../persistence/entities/api-token.entity';
import { ApiTokenRepository } from '../persistence/api-token.repository';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { inCliContext } from './cli-context';
import { RecordsCliModule } from './modules/records-cli.module';

interface CreateOptions {
  name: string;
  person?: string;
  service?: string;
  scopes: string;
  brands?: string;
  admin?: boolean;
  config?: string;
}

export function tokenCommand(): Command {
  const token = new Command('token').description(
    'API tokens for the REST API (stored hashed): who a token acts for, its scopes and brands',
  );
  token
    .command('create')
    .description('create a token; it is printed once and cannot be shown again')
    .requiredOption('-n, --name <name>', 'what the token is for, e.g. "ci" or "grafana"')
    .option('--person <id>', 'the person (a people: id) the token acts for: its approvals are theirs')
    .option('--service <name>', 'a named service the token is (default: the token name), acting as itself')
    .option(
      '--scopes <list>',
      `comma-separated: all, read, or ${API_SCOPES.join(', ')} (write includes read)`,
      'all',
    )
    .option('--brands <ids>', 'comma-separated brand ids the token sees and acts on (default: every brand)')
    .option('--admin', 'may act on behalf of any person ("onBehalfOf" in a request), audited as such')
    .addOption(configOption())
    .action(async (options: CreateOptions) => {
      if (options.person && options.service) {
        throw new CliError(
          '--person and --service exclude each other: a token acts for a person or is a service',
          EXIT_INVALID_INPUT,
        );
      }
      let scopes: string[];
      try {
        scopes = parseScopes(options.scopes);
      } catch (error) {
        if (error instanceof ApiScopeError) {
          throw new CliError(`--scopes: ${error.message}`, EXIT_INVALID_INPUT);
        }
        throw error;
      }
      const brands = options.brands
        ?.split(',')
        .map((brand) => brand.trim())
        .filter(Boolean);
      if (options.person || brands) {
        await checkAgainstConfig(resolveConfigPath(options.config), options.person, brands);
      }
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const repository = app.get(ApiTokenRepository);
        if ((await repository.list()).some((t) => t.name === options.name && !t.revokedAt)) {
          throw new CliError(
            `a token named "${options.name}" already exists: revoke it first or pick another name`,
            EXIT_INVALID_INPUT,
          );
        }
        const created = await repository.create(options.name, {
          person: options.person,
          service: options.service,
          scopes,
          brands: brands ?? null,
          admin: options.admin ?? false,
        });
        process.stdout.write(`${created.plaintext}\n`);
        process.stderr.write(
          `token "${options.name}" created: ${describe(created.token)}. ` +
            'Send it as "Authorization: Bearer <token>". It will not be shown again.\n',
        );
      });
    });
  token
    .command('revoke')
    .description('revoke a token by name or id')
    .argument('<name-or-id>')
    .addOption(configOption())
    .action(async (nameOrId: string) => {
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const revoked = await app.get(ApiTokenRepository).revoke(nameOrId);
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
    .description('list tokens with who they act for, scopes and brands (never their values)')
    .addOption(configOption())
    .action(async () => {
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        for (const t of await app.get(ApiTokenRepository).list()) {
          const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active';
          process.stdout.write(
            `${t.name.padEnd(20)} ${t.prefix}…  ${describe(t)}  created ${t.createdAt.toISOString()}  ${state}\n`,
          );
        }
      });
    });
  return token;
}

async function checkAgainstConfig(
  configPath: string,
  person: string | undefined,
  brands: string[] | undefined,
): Promise<void> {
  const { config } = await loadConfigOrExit(configPath);
  const people = Object.keys(config.people);
  if (person && !people.includes(person)) {
    throw new CliError(
      `--person: "${person}" is not a person in ${configPath}${didYouMean(person, people)} (people: ${people.join(', ')})`,
      EXIT_INVALID_INPUT,
    );
  }
  const known = Object.keys(config.brands);
  for (const brand of brands ?? []) {
    if (!known.includes(brand)) {
      throw new CliError(
        `--brands: "${brand}" is not a brand in ${configPath}${didYouMean(brand, known)} (brands: ${known.join(', ')})`,
        EXIT_INVALID_INPUT,
      );
    }
  }
}

/** "person maya, scopes approvals:write, brands acme, admin" — what the token is, in one line. */
function describe(token: ApiTokenEntity): string {
  const reads = API_SCOPES.filter((scope) => scope.endsWith(':read'));
  const scopes = API_SCOPES.every((scope) => token.scopes.includes(scope))
    ? 'all'
    : token.scopes.length === reads.length && reads.every((scope) => token.scopes.includes(scope))
      ? 'read'
      : token.scopes.join(',');
  return [
    token.person ? `person ${token.person}` : `service ${token.service ?? token.name}`,
    `scopes ${scopes}`,
    `brands ${token.brands ? token.brands.join(',') : 'all'}`,
    ...(token.admin ? ['admin'] : []),
  ].join(', ');
}
