import { Body, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigService } from '../../config/config.service';
import { readContentFile } from '../../content/content-file.reader';
import type { PostEntity } from '../../content/post.entity';
import { PostRepository } from '../../content/post.repository';
import { ConflictError, InvalidError, UnavailableError } from '../../errors/domain.error';
import { displayText } from '../rendering/view-helpers';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest } from '../web-user';
import {
  composeFile,
  fieldsOf,
  newFileName,
  publishValue,
  withPublishLine,
  type ComposeFields,
} from './compose-file';
import { ComposeService, type SaveOutcome } from './compose.service';

const text = (max: number) => z.string().max(max).optional().default('');
const composeBody = z.object({
  title: text(20_000),
  publish: text(40),
  channels: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
  campaign: text(200),
  theme: text(200),
  body: z.string().max(300_000).optional().default(''),
  draft: z.string().optional(),
});
const rescheduleBody = z.object({ publish: z.string().max(40), back: z.string().max(2000).optional() });

/** States in which the file no longer changes the post: it went out (or is going out). */
const GONE_OUT = new Set(['published', 'publishing', 'finishing']);

/** Compose a post, edit it, move it: the brand's content file is written and imported, as the REST API does. */
@WebController()
export class ComposeController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly compose: ComposeService,
    private readonly posts: PostRepository,
  ) {}

  @WebAccess('edit', 'brand')
  @Get('brands/:brand/posts/new')
  newPost(@Req() request: WebRequest, @Param('brand') brandId: string): string {
    const fields: ComposeFields = {
      title: '',
      publish: '',
      channels: [],
      campaign: '',
      theme: '',
      body: '',
      draft: false,
    };
    return this.form(request, brandId, fields, {
      action: `/brands/${encodeURIComponent(brandId)}/posts/new`,
    });
  }

  @WebAccess('edit', 'brand')
  @Post('brands/:brand/posts/new')
  @HttpCode(200)
  async create(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('brand') brandId: string,
    @Body({ schema: composeBody }) body: z.output<typeof composeBody>,
  ): Promise<string> {
    const fields = this.fieldsFrom(body);
    const action = `/brands/${encodeURIComponent(brandId)}/posts/new`;
    if (!this.compose.hasFolder(brandId)) {
      return this.form(request, brandId, fields, { action }, response);
    }
    const folder = this.compose.folder(brandId);
    const path = newFileName(fields, (name) => existsSync(join(folder, name)));
    const outcome = await this.compose.save(brandId, path, composeFile(fields), request.webUser!.person);
    return this.answer(request, response, brandId, fields, action, outcome);
  }

  @WebAccess('edit')
  @Get('posts/:id/edit')
  async edit(@Req() request: WebRequest, @Param('id') id: string): Promise<string> {
    const post = await this.editable(request, id);
    const raw = this.compose.read(post.brandId, post.sourcePath!);
    const folder = this.compose.folder(post.brandId);
    const read = raw
      ? readContentFile(
          join(folder, ...post.sourcePath!.split('/')),
          post.sourcePath!,
          post.sourcePath!,
          folder,
        )
      : undefined;
    const fields: ComposeFields = read?.ok
      ? fieldsOf(read.content.frontMatter, read.content.body)
      : {
          title: post.title,
          publish: '',
          channels: [],
          campaign: post.campaign ?? '',
          theme: post.theme ?? '',
          body: post.body,
          draft: false,
        };
    return this.form(request, post.brandId, fields, {
      action: `/posts/${encodeURIComponent(post.id)}/edit`,
      post,
      issues:
        read && !read.ok
          ? read.issues.map((issue) => `${issue.file}:${issue.line}:${issue.col} ${issue.message}`)
          : [],
    });
  }

  @WebAccess('edit')
  @Post('posts/:id/edit')
  @HttpCode(200)
  async update(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
    @Body({ schema: composeBody }) body: z.output<typeof composeBody>,
  ): Promise<string> {
    const post = await this.editable(request, id);
    const fields = this.fieldsFrom(body);
    const existing = this.compose.read(post.brandId, post.sourcePath!);
    const outcome = await this.compose.save(
      post.brandId,
      post.sourcePath!,
      composeFile(fields, existing),
      request.webUser!.person,
    );
    return this.answer(
      request,
      response,
      post.brandId,
      fields,
      `/posts/${encodeURIComponent(post.id)}/edit`,
      outcome,
      post,
    );
  }

  @WebAccess('edit')
  @Post('posts/:id/reschedule')
  async reschedule(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
    @Body({ schema: rescheduleBody }) body: z.output<typeof rescheduleBody>,
  ): Promise<void> {
    const post = await this.editable(request, id);
    const raw = this.compose.read(post.brandId, post.sourcePath!);
    const publish = publishValue(body.publish);
    if (raw === undefined || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(publish)) {
      throw new InvalidError(
        raw === undefined
          ? `the file ${post.sourcePath} is gone from the content folder: nothing to reschedule`
          : 'give the new date and time (YYYY-MM-DD HH:MM in the brand’s time zone)',
      );
    }
    const text = withPublishLine(raw, publish);
    if (text === undefined) {
      throw new InvalidError(`${post.sourcePath} has no front matter to change: fix the file first`);
    }
    const outcome = await this.compose.save(post.brandId, post.sourcePath!, text, request.webUser!.person);
    if (!outcome.ok) {
      if (outcome.readOnly) {
        throw new UnavailableError(this.readOnlyMessage(outcome.reason));
      }
      throw new InvalidError(`not rescheduled: ${outcome.issues.join('; ')}`);
    }
    const back =
      body.back && /^\/(?![/\\])/.test(body.back) ? body.back : `/posts/${encodeURIComponent(post.id)}`;
    response.redirect(303, back);
  }

  /** The post, when the person may edit it; a post of a brand they do not see does not exist for them. */
  private async editable(request: WebRequest, id: string): Promise<PostEntity> {
    const user = request.webUser!;
    const found = await this.posts.byId(id);
    user.requireOn(found?.brandId, 'edit', `post "${id}"`, 'editing posts');
    const post = found!;
    if (GONE_OUT.has(post.state)) {
      throw new ConflictError(
        `“${post.title}” is ${post.state}: a post that went out cannot be edited or rescheduled (write a new post instead)`,
      );
    }
    if (!post.sourcePath) {
      throw new InvalidError('this post was not written as a content file, so it cannot be edited here');
    }
    return post;
  }

  private fieldsFrom(body: z.output<typeof composeBody>): ComposeFields {
    return {
      title: body.title,
      publish: body.publish,
      channels: body.channels,
      campaign: body.campaign,
      theme: body.theme,
      body: body.body,
      draft: body.draft !== undefined,
    };
  }

  private readOnlyMessage(reason: string): string {
    return `The content folder cannot be written here (${reason}); in the Docker image it is read-only. Edit the file in the content repository instead: plan sync imports it.`;
  }

  private answer(
    request: WebRequest,
    response: Response,
    brandId: string,
    fields: ComposeFields,
    action: string,
    outcome: SaveOutcome,
    post?: PostEntity,
  ): string {
    if (!outcome.ok) {
      return this.form(
        request,
        brandId,
        fields,
        { action, post, issues: outcome.readOnly ? [] : outcome.issues },
        response,
      );
    }
    const brand = this.config.loaded.config.brands[brandId];
    const [imported] = [...outcome.report.created, ...outcome.report.updated];
    return this.views.page(
      request,
      'compose-saved',
      { title: 'Post saved', screen: 'calendar' },
      {
        path: outcome.path,
        brandName: brand.name,
        issues: outcome.issues,
        imported: Boolean(imported) || outcome.report.unchanged > 0,
        uncommitted: outcome.git === 'uncommitted',
        committed: outcome.git === 'committed',
        gitProblem: outcome.gitProblem,
        postHref: post ? `/posts/${encodeURIComponent(post.id)}` : undefined,
        calendarHref: `/brands/${encodeURIComponent(brandId)}/calendar${this.dateQuery(fields.publish)}`,
      },
    );
  }

  private dateQuery(publish: string): string {
    const date = /^\d{4}-\d{2}-\d{2}/.exec(publish)?.[0];
    return date ? `?view=week&date=${date}` : '';
  }

  private form(
    request: WebRequest,
    brandId: string,
    fields: ComposeFields,
    options: { action: string; post?: PostEntity; issues?: string[] },
    response?: Response,
  ): string {
    const brand = this.config.loaded.config.brands[brandId];
    const hasFolder = this.compose.hasFolder(brandId);
    const state = hasFolder ? this.compose.writability(brandId) : undefined;
    const readOnly = !hasFolder
      ? `brand “${brand.name}” has no content folder: set brands.${brandId}.content.folder`
      : state && !state.writable
        ? this.readOnlyMessage(state.reason)
        : undefined;
    if (response && readOnly) {
      response.status(503);
    } else if (response && options.issues?.length) {
      response.status(400);
    }
    return this.views.page(
      request,
      'compose',
      {
        title: options.post
          ? `Edit: ${displayText(options.post.title).slice(0, 80)}`
          : `New post for ${brand.name}`,
        screen: 'calendar',
        styles: ['calendar'],
      },
      {
        action: options.action,
        fields,
        issues: options.issues ?? [],
        readOnly,
        timezone: brand.timezone,
        channels: Object.keys(brand.channels).map((id) => ({ id, checked: fields.channels.includes(id) })),
        campaigns: Object.entries(brand.campaigns).map(([id, campaign]) => ({
          id,
          name: campaign.name,
          selected: id === fields.campaign,
        })),
        themes: brand.themes.map((theme) => ({ theme, selected: theme === fields.theme })),
        file: options.post?.sourcePath,
        postId: options.post && !readOnly ? options.post.id : undefined,
        cancelHref: options.post
          ? `/posts/${encodeURIComponent(options.post.id)}`
          : `/brands/${encodeURIComponent(brandId)}/calendar`,
      },
    );
  }
}
