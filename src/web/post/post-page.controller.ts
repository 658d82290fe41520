import { Get, NotFoundException, Param, Req } from '@nestjs/common';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { displayText } from '../rendering/view-helpers';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest } from '../web-user';
import { PostPageQuery, type PostPageData } from './post-page.query';
import {
  auditWords,
  DECISION_WORDS,
  listWords,
  modeWords,
  stateBadge,
  stateWords,
  STEP_STATUS_WORDS,
  waitsOn,
  whoWords,
  type ActorNames,
} from './post-page.words';
import { previewVariant } from './post-preview';

interface StoredMedia {
  path?: unknown;
  mimeType?: unknown;
  altText?: unknown;
}

/** The post page: what goes out where, as each network will show it, who approved it and what happened. */
@WebController()
export class PostPageController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly query: PostPageQuery,
    private readonly clock: Clock,
  ) {}

  @WebAccess('view')
  @Get('posts/:id')
  async page(@Param('id') id: string, @Req() request: WebRequest): Promise<string> {
    const user = request.webUser!;
    const data = await this.query.load(id);
    // A post of a brand the person does not see does not exist for them.
    if (!data || !user.can(data.post.brandId, 'view')) {
      throw new NotFoundException(`no post ${id}`);
    }
    const model = await this.model(data, user.can(data.post.brandId, 'edit'));
    return this.views.page(
      request,
      'post',
      // The layout prints the title in <h1> and <title>: without bidi controls, like all user text.
      { title: displayText(data.post.title), screen: 'post', styles: ['post'] },
      model,
    );
  }

  private async model(data: PostPageData, canEdit: boolean) {
    const loaded = this.config.loaded;
    const { post } = data;
    const brand = loaded.config.brands[post.brandId];
    const zone = brand?.timezone ?? loaded.config.organisation.timezone;
    const people = loaded.config.people;
    const names: ActorNames = { person: (id) => people[id]?.name };
    const personName = (id: string) => people[id]?.name ?? id;
    const now = this.clock.now();
    const channelKeyOf = (variantId: string) =>
      data.variants.find((v) => v.variant.id === variantId)?.channel?.key;

    const channels = await Promise.all(
      data.variants.map(async ({ variant, channel }) => {
        const connector = channel?.connector;
        const plugin = connector ? loaded.plugins.find('connector', connector) : undefined;
        const preview = previewVariant(variant.text, variant.extra, plugin?.capabilities);
        return {
          key: channel?.key ?? 'a removed channel',
          connector: connector ?? 'unknown',
          connectorLoaded: plugin !== undefined,
          state: stateWords(variant.state),
          badge: stateBadge(variant.state),
          title: variant.title,
          preview,
          media: await Promise.all((variant.media as StoredMedia[]).map((item) => this.media(item))),
          remoteUrl: safeLink(variant.remoteUrl),
          remoteUrlText: variant.remoteUrl,
          lastError: variant.lastError,
          failed: ['failed', 'missed', 'cancelled'].includes(variant.state),
          scheduledAt: variant.scheduledAt,
          publishedAt: variant.publishedAt,
          attempts: variant.attempts,
        };
      }),
    );

    const active = data.steps.filter((s) => s.status === 'pending' || s.status === 'approved');
    const current = post.state === 'in_review' ? active.find((s) => s.status === 'pending') : undefined;
    const stepModel = (step: PostPageData['steps'][number]) => {
      const decisions = data.decisions.filter((d) => d.approvalId === step.id);
      const approvedBy = decisions.filter((d) => d.decision === 'approve').map((d) => d.person);
      const waiting = step === current ? waitsOn(step.mode, step.approvers, approvedBy).map(personName) : [];
      return {
        name: step.stepName,
        approvers: listWords(step.approvers.map(personName)),
        mode: modeWords(step.mode),
        dueAt: step.dueAt,
        overdue: step.status === 'pending' && step.dueAt < now,
        // A step approved, then skipped when a later step stopped the chain (or the file changed), was approved.
        status:
          step.status === 'skipped' && approvedBy.length > 0
            ? 'Approved, then the chain stopped'
            : (STEP_STATUS_WORDS[step.status] ?? step.status),
        current: step === current,
        waitsOn:
          waiting.length === 0
            ? undefined
            : step.mode === 'any' && waiting.length > 1
              ? `one of ${listWords(waiting, 'or')}`
              : listWords(waiting),
        decisions: decisions.map((d) => ({
          who: personName(d.person),
          what: DECISION_WORDS[d.decision] ?? d.decision,
          at: d.decidedAt,
          comment: d.comment,
        })),
      };
    };
    const earlier = data.steps
      .filter((s) => !active.includes(s))
      .map(stepModel)
      .filter((s) => s.decisions.length > 0);

    return {
      post: {
        id: post.id,
        title: post.title,
        brand: brand?.name ?? post.brandId,
        brandId: post.brandId,
        campaign: post.campaign ? (brand?.campaigns[post.campaign]?.name ?? post.campaign) : undefined,
        theme: post.theme,
        publishAt: post.publishAt,
        zone,
        scheduleMode:
          post.scheduleMode === 'slot' ? 'a free slot of the channels’ windows' : 'fixed in the file',
        state: stateWords(post.state),
        badge: stateBadge(post.state),
        reason: post.stateReason,
        file: post.sourcePath,
        tags: post.tags,
      },
      canEdit,
      editHref: `/posts/${encodeURIComponent(post.id)}/edit`,
      channels,
      chain: active.map(stepModel),
      earlier,
      inReview: post.state === 'in_review',
      audit: data.audit.map((row) => ({
        at: row.at,
        who: whoWords(row, names),
        what: auditWords(row, channelKeyOf),
      })),
      moreAudit: data.moreAudit,
    };
  }

  /** A media file as the page lists it: its name, alt text, type and size (read from disk, never fetched). */
  private async media(item: StoredMedia) {
    const path = typeof item.path === 'string' ? item.path : '';
    let size: string | undefined;
    try {
      size = formatBytes((await stat(path)).size);
    } catch {
      size = undefined;
    }
    return {
      name: path ? basename(path) : 'unnamed file',
      alt: typeof item.altText === 'string' && item.altText !== '' ? item.altText : undefined,
      type: typeof item.mimeType === 'string' ? item.mimeType : 'unknown type',
      size,
    };
  }
}

/** A published link the page may link to: http(s) only. */
function safeLink(url: string | null): string | undefined {
  if (!url) {
    return undefined;
  }
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
