import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { ownerOnlyPolicy } from '../../src/escalations/escalation-policy.snapshot';
import { EscalationSweeper } from '../../src/escalations/escalation.sweeper';
import { IncidentLinkSigner } from '../../src/escalations/incident-link.signer';
import { incidentRepository, incidentService } from '../escalations/incident-service.fixture';
import { NotificationTemplateRenderer } from '../../src/notifications/notification-template.renderer';
import { createContentWorkspace, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, testDialect, type TestDatabase } from '../persistence/test-database';
import { RecordingSender, writeRecorderPlugin } from '../rules/rule-test-kit';

/** Runs the built CLI exactly as a user would (npm test builds it first). */
jest.setTimeout(120_000);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

const CONFIG = `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya }
  theo: { name: Theo, email: theo@example.com }
plugins:
  - path: recorder
notifiers:
  team-mail: { plugin: recorder }
escalations:
  both: { levels: [{ targets: [maya, theo], after: 0m }, { targets: [maya], after: 1h }] }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    channels:
      social: { connector: sandbox, options: { handle: acme } }
`;

/** "notified" must mean someone was reached: the list names who was, through what, and who could not be. */
(testDialect() === 'sqlite' ? describe : describe.skip)(
  'incidents list tells who was reached (built CLI)',
  () => {
    let database: TestDatabase;
    let dataSource: DataSource;
    let ws: ContentWorkspace;

    beforeAll(async () => {
      database = await createTestDatabase();
      dataSource = await database.openMigrated();
      ws = await createContentWorkspace(dataSource, CONFIG, writeRecorderPlugin);
    });

    afterAll(async () => {
      await database.dispose();
    });

    const list = () => {
      const url = database.url;
      const result = spawnSync(
        process.execPath,
        [CLI, 'incidents', 'list', '--config', join(ws.dir, 'metronome.yaml')],
        {
          encoding: 'utf8',
          env: { ...process.env, DATABASE_URL: `sqlite:${url.dialect === 'sqlite' ? url.path : ''}` },
        },
      );
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };

    it('names the person reached and the one nobody could reach, with the reason and the fix', async () => {
      const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
      const incidents = incidentService(dataSource);
      const sweeper = new EscalationSweeper(
        incidentRepository(dataSource),
        config,
        new RecordingSender(),
        new IncidentLinkSigner('test-secret', 'https://metronome.example'),
        new NotificationTemplateRenderer(),
      );
      const at = new Date('2026-12-07T10:00:00Z');
      const snapshot = ownerOnlyPolicy('maya');
      await incidents.open({
        brandId: 'acme',
        rule: 'guard:post-failed',
        subjectKey: 'variant:1',
        title: 'Post failed: "Launch" on social',
        severity: 'critical',
        details: {},
        policy: {
          ...snapshot,
          policy: 'both',
          levels: [
            { targets: ['maya', 'theo'], afterMs: 0 },
            { targets: ['maya'], afterMs: 3_600_000 },
          ],
        },
        at,
      });
      await incidents.open({
        brandId: 'acme',
        rule: 'guard:post-failed',
        subjectKey: 'variant:2',
        title: 'Post failed: "Teaser" on social',
        severity: 'critical',
        details: {},
        policy: snapshot,
        at,
      });
      expect(await sweeper.sweep(at)).toBe(1);

      const result = list();
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).not.toMatch(/notified \d+ of/);
      const [header, ...lines] = result.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^ID +OPENED +STATE +SEVERITY +TITLE$/);
      // Each incident is a row followed by its indented notes.
      const block = (title: string) => {
        const start = lines.findIndex((line) => line.includes(title));
        const end = lines.findIndex((line, i) => i > start && !line.startsWith('    '));
        return lines.slice(start + 1, end === -1 ? undefined : end);
      };
      expect(block('Launch')).toEqual([
        '    raised by guard post-failed',
        '    reached theo by team-mail',
        '    could not reach maya: maya has no address for any notifier (team-mail): give them an e-mail for an e-mail notifier, or handles.<notifier>',
        '    escalation step 2 of 2 due 2026-12-07 11:00 GMT',
      ]);
      expect(block('Teaser')).toEqual([
        '    raised by guard post-failed',
        '    could not reach maya: maya has no address for any notifier (team-mail): give them an e-mail for an e-mail notifier, or handles.<notifier>',
      ]);
    });
  },
);
