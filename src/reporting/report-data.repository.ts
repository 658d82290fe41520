import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, In, IsNull } from 'typeorm';
import { ApprovalDecisionEntity } from '../approvals/approval-decision.entity';
import { ApprovalEntity } from '../approvals/approval.entity';
import { ChannelEntity } from '../channels/channel.entity';
import { InboxItemEntity } from '../inbox/inbox-item.entity';
import { IncidentEntity } from '../escalations/incident.entity';
import { MetricSnapshotEntity } from '../metrics/metric-snapshot.entity';
import { PostVariantEntity } from '../publishing/post-variant.entity';
import { PostEntity } from '../content/post.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';

/** Instants [from, to) and the matching local calendar days. */
export interface ReportWindow {
  from: Date;
  to: Date;
  firstDay: string;
  lastDay: string;
}

/**
 * Everything a report reads, for the report month and the month before it (deltas need both).
 * Plain rows: the calculators that turn them into figures need no database.
 */
export interface ReportRows {
  channels: ChannelEntity[];
  /** Channel-level daily snapshots in the window's days. */
  channelSnapshots: MetricSnapshotEntity[];
  /** Variants scheduled or published in the window. */
  variants: PostVariantEntity[];
  /** Posts of those variants and of the approvals below, by id. */
  posts: Map<string, PostEntity>;
  /** Every snapshot of the variants published in the window (post figures are lifetime). */
  postSnapshots: MetricSnapshotEntity[];
  /** Approval steps of posts due in the window or decided in it. */
  approvals: ApprovalEntity[];
  decisions: ApprovalDecisionEntity[];
  /** Inbox items received in the window. */
  inbox: InboxItemEntity[];
  /** Incidents opened in the window, or opened before it and still open during it. */
  incidents: IncidentEntity[];
}

/** Chunk size for IN (...) lists: far under SQLite's 32,766 bound parameters and Postgres' 65,535. */
const IN_CHUNK = 500;

@Injectable()
export class ReportDataRepository {
  constructor(private readonly dataSource: DataSource) {}

  async load(brandId: string, window: ReportWindow): Promise<ReportRows> {
    const from = toDbInstant(window.from);
    const to = toDbInstant(window.to);
    const channels = await this.dataSource.getRepository(ChannelEntity).findBy({ brandId });
    const channelIds = channels.map((c) => c.id);
    const variants = await this.dataSource
      .getRepository(PostVariantEntity)
      .createQueryBuilder('v')
      .innerJoin(PostEntity, 'p', 'p.id = v.postId')
      .where('p.brandId = :brandId', { brandId })
      .andWhere(
        new Brackets((qb) =>
          qb
            .where('v.scheduledAt >= :from AND v.scheduledAt < :to')
            .orWhere('v.publishedAt >= :from AND v.publishedAt < :to'),
        ),
      )
      .setParameters({ from, to })
      .getMany();
    const approvals = await this.approvals(brandId, from, to);
    const decisions = await this.inChunks(
      approvals.map((a) => a.id),
      (ids) => this.dataSource.getRepository(ApprovalDecisionEntity).findBy({ approvalId: In(ids) }),
    );
    const postIds = [...new Set([...variants.map((v) => v.postId), ...approvals.map((a) => a.postId)])];
    const posts = await this.inChunks(postIds, (ids) =>
      this.dataSource.getRepository(PostEntity).findBy({ id: In(ids) }),
    );
    const published = variants.filter((v) => v.publishedAt !== null).map((v) => v.id);
    return {
      channels,
      channelSnapshots: await this.channelSnapshots(channelIds, window),
      variants,
      posts: new Map(posts.map((p) => [p.id, p])),
      postSnapshots: await this.inChunks(published, (ids) =>
        this.dataSource.getRepository(MetricSnapshotEntity).findBy({ postVariantId: In(ids) }),
      ),
      approvals,
      decisions,
      inbox: await this.inChunks(channelIds, (ids) =>
        this.dataSource
          .getRepository(InboxItemEntity)
          .createQueryBuilder('i')
          .where({ channelId: In(ids) })
          .andWhere('i.receivedAt >= :from AND i.receivedAt < :to', { from, to })
          .getMany(),
      ),
      incidents: await this.dataSource
        .getRepository(IncidentEntity)
        .createQueryBuilder('i')
        .where('i.brandId = :brandId', { brandId })
        .andWhere('i.openedAt < :to', { to })
        .andWhere(
          new Brackets((qb) =>
            qb
              .where('i.openedAt >= :from', { from })
              .orWhere('i.resolvedAt IS NULL')
              .orWhere('i.resolvedAt >= :from', { from }),
          ),
        )
        .getMany(),
    };
  }

  private async channelSnapshots(
    channelIds: string[],
    window: ReportWindow,
  ): Promise<MetricSnapshotEntity[]> {
    return this.inChunks(channelIds, (ids) =>
      this.dataSource
        .getRepository(MetricSnapshotEntity)
        .createQueryBuilder('s')
        .where({ channelId: In(ids), postVariantId: IsNull() })
        .andWhere('s.day >= :first AND s.day <= :last', { first: window.firstDay, last: window.lastDay })
        .getMany(),
    );
  }

  /** Steps of posts due in the window, plus steps decided in it (a post may be signed off a month early). */
  private async approvals(brandId: string, from: string, to: string): Promise<ApprovalEntity[]> {
    const decided = this.dataSource
      .getRepository(ApprovalDecisionEntity)
      .createQueryBuilder('d')
      .select('d.approvalId')
      .where('d.decidedAt >= :from AND d.decidedAt < :to');
    const rows = await this.dataSource
      .getRepository(ApprovalEntity)
      .createQueryBuilder('a')
      .innerJoin(PostEntity, 'p', 'p.id = a.postId')
      .where('p.brandId = :brandId', { brandId })
      .andWhere(
        new Brackets((qb) =>
          qb.where('p.publishAt >= :from AND p.publishAt < :to').orWhere(`a.id IN (${decided.getQuery()})`),
        ),
      )
      .setParameters({ from, to })
      .getMany();
    // A post whose step was decided in the window needs its other steps too, to know its final sign-off.
    const postIds = [...new Set(rows.map((a) => a.postId))];
    return this.inChunks(postIds, (ids) =>
      this.dataSource.getRepository(ApprovalEntity).findBy({ postId: In(ids) }),
    );
  }

  private async inChunks<T>(ids: string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
    const rows: T[] = [];
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      rows.push(...(await load(ids.slice(i, i + IN_CHUNK))));
    }
    return rows;
  }
}
