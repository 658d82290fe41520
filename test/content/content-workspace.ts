import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ApprovalService } from '../../src/approvals/approval.service';
import { createContentServices } from './content-services.fixture';
import { recordConfigRevision } from '../../src/config/config-sync.service';
import { loadConfiguration, LoadedConfig } from '../../src/config/config.loader';
import { PlanSyncService } from '../../src/content/plan-sync.service';
import { ConfigRevisionRepository } from '../../src/persistence/config-revision.repository';

/** A brand on the sandbox connector with windows and a two-step approval chain, in a temp folder. */
export const BRAND_YAML = `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
  theo: { name: Theo, email: theo@example.com }
  ivy: { name: Ivy, email: ivy@example.com }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      social:
        connector: sandbox
        options: { handle: acme }
        cadence: { postsPerWeek: 3, windows: ["Mon,Wed,Fri 09:00-10:00"] }
        approval: standard
    campaigns:
      winter: { name: Winter blend }
    themes: [brewing, roastery]
    approvals:
      standard:
        steps:
          - { name: copy review, approvers: [theo], dueBefore: 48h }
          - { name: sign-off, approvers: [maya, ivy], mode: all, dueBefore: 24h }
`;

export interface ContentWorkspace {
  dir: string;
  loaded: LoadedConfig;
  sync: PlanSyncService;
  approvals: ApprovalService;
  write(path: string, text: string): void;
}

export async function createContentWorkspace(
  dataSource: DataSource,
  yaml = BRAND_YAML,
  prepare?: (dir: string) => void,
): Promise<ContentWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-content-'));
  mkdirSync(join(dir, 'content'));
  prepare?.(dir);
  writeFileSync(join(dir, 'metronome.yaml'), yaml);
  const result = await loadConfiguration(join(dir, 'metronome.yaml'), { env: {} });
  if (!result.ok) {
    throw new Error(JSON.stringify(result.issues));
  }
  await recordConfigRevision(new ConfigRevisionRepository(dataSource), result.loaded);
  const { approvals, planSync } = await createContentServices(dataSource);
  return {
    dir,
    loaded: result.loaded,
    approvals,
    sync: planSync,
    write(path, text) {
      const absolute = join(dir, 'content', path);
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, text);
    },
  };
}

export function post(frontMatter: string, body = 'Fresh beans, roasted on Tuesday.'): string {
  return `---\n${frontMatter.trim()}\n---\n${body}\n`;
}
