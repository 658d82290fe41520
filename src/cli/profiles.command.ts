import { Clock } from '../clock/clock';
import { Command } from 'commander';
import { recordConfigRevision } from '../config/config-sync.service';
import { ConfigRevisionRepository } from '../persistence/config-revision.repository';
import { ProfileChecker } from '../profiles/profile-checker.service';
import { table } from './cli.format';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_FAILURE, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { inCliContext } from './cli-context';
import { ProfilesCliModule } from './modules/profiles-cli.module';

const show = (value: unknown) =>
  Array.isArray(value) ? `[${value.join(', ')}]` : JSON.stringify(value ?? '');

function checkCommand(): Command {
  return new Command('check')
    .description(
      'compare each channel’s live profile with the one its config declares, now (the scheduler does it every 6 hours)',
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
      await inCliContext(
        ProfilesCliModule.forConfig(loaded, configPath),
        async (app) => {
          await recordConfigRevision(app.get(ConfigRevisionRepository), loaded);
          const results = await app
            .get(ProfileChecker)
            .check(app.get(Clock).now(), { brand: options.brand, force: true });
          if (results.length === 0) {
            process.stdout.write(
              'no profile to check: declare `profile:` on a channel whose connector can read profiles\n',
            );
            return;
          }
          process.stdout.write(
            table(
              ['CHANNEL', 'PROFILE'],
              results.map((result) => ({
                cells: [
                  `${result.brand}/${result.channel}`,
                  result.error
                    ? `could not be read: ${result.error}`
                    : result.differences.length === 0
                      ? 'matches the config'
                      : result.differences
                          .map(
                            (d) =>
                              `${d.field} differs: expected ${show(d.expected)}, found ${show(d.actual)}`,
                          )
                          .join('; '),
                ],
              })),
            ),
          );
          if (results.some((result) => result.error)) {
            process.exitCode = EXIT_FAILURE;
          }
        },
        ['error'],
      );
    });
}

export function profilesCommand(): Command {
  return new Command('profiles')
    .description('profile upkeep: live profiles against the ones the config declares')
    .addCommand(checkCommand());
}
