import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { ApprovalEntity } from '../persistence/entities/approval.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import { RuleActionExecutor, RuleMatch } from './rule-action.executor';

const IDS_PER_UPDATE = 500;
/** A firing this old whose actions have not run belongs to a process that died in between. */
const RECOVER_AFTER_MS = 60_000;

/**
 * The actions of rule firings, at least once: a firing is committed first, its actions run after the
 * commit, then it is marked acted. `recover` runs the actions of firings a dead process left unacted
 * (escalations are idempotent per subject; a notification may then go out twice, never zero times).
 */
@Injectable()
export class RuleActions {
  private readonly logger = new Logger('Rules');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly executor: RuleActionExecutor,
  ) {}

  execute(match: RuleMatch): Promise<void> {
    return this.executor.execute(match);
  }

  /** Actions of many firings: escalations open in one batch. */
  executeMany(matches: readonly RuleMatch[]): Promise<void> {
    return this.executor.executeMany(matches);
  }

  async markActed(firingIds: readonly string[], at: Date): Promise<void> {
    const p = placeholders(this.dataSource.manager);
    for (let i = 0; i < firingIds.length; i += IDS_PER_UPDATE) {
      const ids = firingIds.slice(i, i + IDS_PER_UPDATE);
      await this.dataSource.query(
        `UPDATE "rule_firings" SET "acted_at" = ${p(1)} WHERE "id" IN (${ids.map((_, k) => p(k + 2)).join(', ')})`,
        [toDbInstant(at), ...ids],
      );
    }
  }

  /** Carries out the actions of firings left unacted by a process that died; returns how many. */
  async recover(now: Date): Promise<number> {
    const p = placeholders(this.dataSource.manager);
    const pending = await this.dataSource.query<
      Array<{
        id: string;
        rule: string;
        subject_key: string;
        brand_id: string | null;
        fired_at: string;
        title: string | null;
      }>
    >(
      `SELECT "id", "rule", "subject_key", "brand_id", "fired_at", "title" FROM "rule_firings" WHERE "acted_at" IS NULL AND "fired_at" < ${p(1)} ORDER BY "fired_at" LIMIT 200`,
      [toDbInstant(new Date(now.getTime() - RECOVER_AFTER_MS))],
    );
    for (const firing of pending) {
      const rule = this.config.loaded.config.rules.find((candidate) => candidate.name === firing.rule);
      if (rule && firing.brand_id) {
        this.logger.warn(
          `rule ${rule.name}: running the actions a stopped process left for ${firing.subject_key}`,
        );
        await this.executor.execute({
          rule,
          brandId: firing.brand_id,
          subjectKey: firing.subject_key,
          postId: await this.postOf(firing.subject_key),
          title: firing.title ?? `Rule "${rule.name}"`,
          at: new Date(firing.fired_at),
        });
      } else {
        this.logger.warn(`rule ${firing.rule} is no longer configured: its pending actions are dropped`);
      }
      await this.markActed([firing.id], now);
    }
    return pending.length;
  }

  private async postOf(subjectKey: string): Promise<string | undefined> {
    const [type, id] = subjectKey.split(':', 2);
    if (type === 'post') {
      return id;
    }
    if (type === 'approval') {
      return (await this.dataSource.getRepository(ApprovalEntity).findOneBy({ id }))?.postId;
    }
    return undefined;
  }
}
