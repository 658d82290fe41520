import { Command, Option } from 'commander';
import { startApp } from '../app/bootstrap';
import { ListenError } from '../app/listen-first';
import { ROLES, runtimeOptions, RuntimeOptionsError } from '../app/runtime-options';
import { summarizeConfig } from '../config/config.loader';
import { configOption } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';

export function startCommand(): Command {
  return new Command('start')
    .description('start Metronome (HTTP API, scheduler and workers in one process unless --role is given)')
    .addOption(new Option('-r, --role <role>', 'run one role only').choices(ROLES).default('all'))
    .addOption(configOption())
    .option('-p, --port <port>', 'HTTP port (default: $PORT or 3000)')
    .action(async (flags: { role: string; config?: string; port?: string }) => {
      const started = performance.now();
      let runtime;
      try {
        runtime = runtimeOptions(process.env, flags);
      } catch (error) {
        if (error instanceof RuntimeOptionsError) {
          throw new CliError(error.message, EXIT_INVALID_INPUT);
        }
        throw error;
      }
      const loaded = await loadConfigOrExit(runtime.configPath);
      let app;
      try {
        app = await startApp(runtime, loaded);
      } catch (error) {
        if (error instanceof ListenError) {
          throw new CliError(error.message);
        }
        throw error;
      }
      const server = app.getHttpServer() as { address(): { port: number } | string | null };
      const address = server.address();
      process.stdout.write(
        `Metronome ready: role ${runtime.role}, http://localhost:${typeof address === 'object' && address ? address.port : runtime.port}, ` +
          `queue ${runtime.redisUrl ? 'bull' : 'inline'}, ${summarizeConfig(loaded)} (${Math.round(performance.now() - started)} ms)\n`,
      );
    });
}
