import { Command } from 'commander';
import { rolesIn } from '../access/brand-access';
import { ROLE_LABELS } from '../access/brand-permission';
import { didYouMean } from '../config/did-you-mean';
import { SignInLinks } from '../web/sign-in/sign-in-links';
import { WebLinkService } from '../web/session/web-link.service';
import { WebSessionService } from '../web/session/web-session.service';
import { inCliContext } from './cli-context';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { RecordsCliModule } from './modules/records-cli.module';

interface Options {
  config?: string;
}

/** `metronome people`: the configuration's people, their roles, and sign-in links for the web app. */
export function peopleCommand(): Command {
  const people = new Command('people').description(
    'people of the configuration: their roles per brand, and sign-in links for the web app',
  );
  people
    .command('list')
    .description('list people with their roles on each brand (explicit and derived from the config)')
    .addOption(configOption())
    .action(async (options: Options) => {
      const { config } = await loadConfigOrExit(resolveConfigPath(options.config));
      for (const [id, person] of Object.entries(config.people)) {
        const roles = Object.keys(config.brands)
          .map((brand) => [brand, rolesIn(config, id, brand)] as const)
          .filter(([, list]) => list.length > 0)
          .map(
            ([brand, list]) => `${brand}: ${list.map((role) => ROLE_LABELS[role].toLowerCase()).join(', ')}`,
          );
        process.stdout.write(
          `${id.padEnd(16)} ${person.name}${person.admin ? ' (admin)' : ''}  ${roles.join('; ') || 'no brand'}\n`,
        );
      }
    });
  people
    .command('login-link')
    .description(
      'print a one-time sign-in link for a person (e.g. the first admin, before e-mail is set up); it works once',
    )
    .argument('<person>', 'a people: id')
    .option('--minutes <n>', 'how long the link works', '30')
    .addOption(configOption())
    .action(async (person: string, options: Options & { minutes: string }) => {
      const path = resolveConfigPath(options.config);
      const loaded = await loadConfigOrExit(path);
      const ids = Object.keys(loaded.config.people);
      if (!ids.includes(person)) {
        throw new CliError(
          `"${person}" is not a person in ${path}${didYouMean(person, ids)} (people: ${ids.join(', ') || 'none'})`,
          EXIT_INVALID_INPUT,
        );
      }
      const minutes = Number(options.minutes);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
        throw new CliError('--minutes: a whole number from 1 to 1440', EXIT_INVALID_INPUT);
      }
      await inCliContext(
        RecordsCliModule.forRoot({ loaded, path }, [WebLinkService, WebSessionService, SignInLinks]),
        async (app) => {
          const url = await app.get(SignInLinks).create(person, '/', minutes * 60_000);
          process.stdout.write(`${url}\n`);
          process.stderr.write(
            `sign-in link for ${loaded.config.people[person].name}: works once, for ${minutes} minutes. ` +
              'Open it in a browser that reaches this Metronome.\n',
          );
        },
      );
    });
  people
    .command('sign-out')
    .description('end every web session of a person (a lost laptop, someone who left)')
    .argument('<person>', 'a people: id')
    .addOption(configOption())
    .action(async (person: string, options: Options) => {
      const path = resolveConfigPath(options.config);
      const loaded = await loadConfigOrExit(path);
      await inCliContext(
        RecordsCliModule.forRoot({ loaded, path }, [WebLinkService, WebSessionService, SignInLinks]),
        async (app) => {
          const ended = await app.get(WebSessionService).endAllOf(person);
          process.stdout.write(`ended ${ended} session${ended === 1 ? '' : 's'} of ${person}\n`);
        },
      );
    });
  return people;
}
