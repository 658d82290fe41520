import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { CliError, EXIT_FAILURE, EXIT_INVALID_INPUT } from '../../src/cli/exit-codes';
import { InboxPollCliModule } from '../../src/cli/modules/inbox-poll-cli.module';
import { MetricsCliModule } from '../../src/cli/modules/metrics-cli.module';
import { ProfilesCliModule } from '../../src/cli/modules/profiles-cli.module';
import { RecordsCliModule } from '../../src/cli/modules/records-cli.module';
import { ReportCliModule } from '../../src/cli/modules/report-cli.module';
import { SandboxCliModule } from '../../src/cli/modules/sandbox-cli.module';
import { loadConfiguration, type LoadedConfig } from '../../src/config/config.loader';
import { PlanSyncService } from '../../src/content/plan-sync.service';
import { PostQueryService } from '../../src/content/post-query.service';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { InboxPoller } from '../../src/inbox/inbox.poller';
import { InboxService } from '../../src/inbox/inbox.service';
import { MetricsCollector } from '../../src/metrics/metrics-collector.service';
import { ProfileChecker } from '../../src/profiles/profile-checker.service';
import { PublishWorker } from '../../src/publishing/publish.worker';
import { ReportRenderService } from '../../src/reporting/report-render.service';
import { ReportScheduler } from '../../src/reporting/report.scheduler';
import { BRAND_YAML } from '../content/content-workspace';

jest.setTimeout(120_000);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

/**
 * Each CLI command boots the Nest context of its role (src/cli/modules). A context must hold what its
 * command needs and nothing that runs on its own: no schedule, no publish worker, no report scheduler.
 */
describe('CLI role contexts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-cli-contexts-'));
  const configPath = join(dir, 'metronome.yaml');
  let loaded: LoadedConfig;
  const previousUrl = process.env.DATABASE_URL;

  beforeAll(async () => {
    mkdirSync(join(dir, 'content'));
    writeFileSync(configPath, BRAND_YAML);
    const result = await loadConfiguration(configPath, { env: {} });
    if (!result.ok) {
      throw new Error(JSON.stringify(result.issues));
    }
    loaded = result.loaded;
    process.env.DATABASE_URL = `sqlite:${join(dir, 'cli.db')}`;
  });

  afterAll(() => {
    process.env.DATABASE_URL = previousUrl;
  });

  async function boot(module: DynamicModule): Promise<INestApplicationContext> {
    return NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });
  }

  function expectNothingRunsOnItsOwn(app: INestApplicationContext): void {
    for (const runsAlone of [SchedulerRegistry, PublishWorker, ReportScheduler]) {
      expect(() => app.get(runsAlone, { strict: false })).toThrow();
    }
  }

  it('records: a migrated database and the content, inbox and query services', async () => {
    const app = await boot(RecordsCliModule.forRoot());
    try {
      const migrations = await app.get(DataSource).query<unknown[]>('SELECT name FROM migrations');
      expect(migrations.length).toBeGreaterThan(0);
      expect(await app.get(PostQueryService).listPosts({})).toEqual([]);
      expect(app.get(PlanSyncService)).toBeInstanceOf(PlanSyncService);
      expect(app.get(InboxService)).toBeInstanceOf(InboxService);
      expectNothingRunsOnItsOwn(app);
    } finally {
      await app.close();
    }
    expect(app.get(DataSource).isInitialized).toBe(false);
  });

  it.each<[string, (loaded: LoadedConfig, path: string) => DynamicModule, unknown]>([
    ['inbox poll', (l, p) => InboxPollCliModule.forConfig(l, p), InboxPoller],
    ['metrics collect', (l, p) => MetricsCliModule.forConfig(l, p), MetricsCollector],
    ['profiles check', (l, p) => ProfilesCliModule.forConfig(l, p), ProfileChecker],
    ['report', (l, p) => ReportCliModule.forConfig(l, p), ReportRenderService],
    ['sandbox', (l, p) => SandboxCliModule.forConfig(l, p), PluginContextFactory],
  ])('%s: its service, and nothing scheduled', async (_name, module, service) => {
    const app = await boot(module(loaded, configPath));
    try {
      expect(app.get(service as never, { strict: false })).toBeDefined();
      expectNothingRunsOnItsOwn(app);
    } finally {
      await app.close();
    }
  });

  it('a DATABASE_URL it cannot read is the input’s fault (exit 2), a database it cannot open is named (exit 1)', async () => {
    process.env.DATABASE_URL = 'mysql://nope';
    expect(() => RecordsCliModule.forRoot()).toThrow(CliError);
    try {
      RecordsCliModule.forRoot();
    } catch (error) {
      expect((error as CliError).exitCode).toBe(EXIT_INVALID_INPUT);
    }
    writeFileSync(join(dir, 'a-file'), '');
    const unopenable = join(dir, 'a-file', 'no.db');
    const run = spawnSync(process.execPath, [CLI, 'posts', 'list', '--config', configPath], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `sqlite:${unopenable}` },
    });
    expect(run.status).toBe(EXIT_FAILURE);
    expect(run.stderr.trim()).toMatch(new RegExp(`^cannot open the database ${unopenable}: `));
    process.env.DATABASE_URL = `sqlite:${join(dir, 'cli.db')}`;
  });
});
