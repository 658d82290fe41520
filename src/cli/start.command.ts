import { Command, Option } from 'commander';
import { startApp } from '../app/bootstrap';
import { ROLES, runtimeOptions } from '../app/runtime-options';
import { summarizeConfig } from '../config/config.loader';
import { configOption } from './config-path.option';
import { loadConfigOrExit } from './load-config-or-exit';

export function startCommand(): Command {
  return new Command('start')
    .description('start Metronome (HTTP API, scheduler and workers in one process unless --role is given)')
    .addOption(new Option('-r, --role <role>', 'run one role only').choices(ROLES).default('all'))
    .addOption(configOption())
    .option('-p, --port <port>', 'HTTP port (default: $PORT or 3000)')
    .action(async (flags: { role: string; config?: string; port?: string }) => {
      const started = performance.now();
      // A RuntimeOptionsError (invalid) leaves with code 2, a ListenError (unavailable) with 1: main.ts maps kinds.
      const runtime = runtimeOptions(process.env, flags);
      const loaded = await loadConfigOrExit(runtime.configPath);
      const app = await startApp(runtime, loaded);
      const server = app.getHttpServer() as { address(): { port: number } | string | null };
      const address = server.address();
      process.stdout.write(
        `Metronome ready: role ${runtime.role}, http://localhost:${typeof address === 'object' && address ? address.port : runtime.port}, ` +
          `queue ${runtime.redisUrl ? 'bull' : 'inline'}, ${summarizeConfig(loaded)} (${Math.round(performance.now() - started)} ms)\n`,
      );
    });
}
