import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { OpenApiRequestValidator, type OpenApiDocument } from './openapi/openapi-request-validator';

/**
 * A FAKE of the WordPress REST API (`/wp/v2`), a contract fake for the connector's fast tests. It answers as
 * WordPress 6.x does, written from its documentation and checked against a real WordPress (the services suite,
 * test/connectors/wordpress.services-spec.ts, runs the same connector against Debian's WordPress 6.1):
 * - REST API handbook: https://developer.wordpress.org/rest-api/ (discovery: the `Link: <…>; rel="https://api.w.org/"`
 *   header and `?rest_route=` with plain permalinks; global parameters `context`, `_fields`; pagination headers
 *   X-WP-Total / X-WP-TotalPages), the reference pages for Posts, Media, Categories, Tags, Comments and Users
 *   (https://developer.wordpress.org/rest-api/reference/posts/ …/media/ …/categories/ …/tags/ …/comments/ …/users/);
 * - Application passwords: https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/
 *   (HTTP Basic `user:password`, spaces ignored);
 * - errors `{ code, message, data: { status, params } }` (WP_REST_Server::error_to_response): rest_cannot_create
 *   401 (not signed in) or 403 (the role may not), rest_invalid_param 400, rest_post_invalid_id 404,
 *   rest_already_trashed 410, term_exists 400, comment_duplicate 409, rest_forbidden_context 403 (comments with
 *   context=edit for non-moderators);
 * - unique slugs: a taken slug gets `-2`, `-3`… (wp_unique_post_slug).
 * Only what the connector uses; no meta, no revisions, no pretty permalinks.
 *
 * Every request is checked against WordPress's own machine-readable description of these routes (its REST index,
 * turned into OpenAPI: test/fakes/specs/wordpress.openapi.json, see wordpress.openapi.SOURCE.md): a query parameter
 * or body field WordPress does not know, or a value of the wrong type, is answered 400 rest_invalid_param and kept
 * in `specProblems`.
 */
const SPEC = new OpenApiRequestValidator(
  JSON.parse(readFileSync(join(__dirname, 'specs', 'wordpress.openapi.json'), 'utf8')) as OpenApiDocument,
);

export type FakeRole = 'administrator' | 'editor' | 'author' | 'contributor' | 'subscriber';

export interface FakeUser {
  id: number;
  username: string;
  name: string;
  role: FakeRole;
  applicationPassword: string;
}

export interface FakePost {
  id: number;
  author: number;
  title: string;
  content: string;
  excerpt: string;
  slug: string;
  status: string;
  dateGmt: string;
  categories: number[];
  tags: number[];
  featuredMedia: number;
}

export interface FakeMedia {
  id: number;
  author: number;
  slug: string;
  filename: string;
  mimeType: string;
  bytes: number;
  altText: string;
  dateGmt: string;
}

export interface FakeComment {
  id: number;
  post: number;
  parent: number;
  author: number;
  authorName: string;
  content: string;
  dateGmt: string;
}

interface Term {
  id: number;
  name: string;
  slug: string;
}

const CAN_PUBLISH: FakeRole[] = ['administrator', 'editor', 'author'];
const CAN_CREATE_TERMS: FakeRole[] = ['administrator', 'editor', 'author'];
const wpNow = () => new Date().toISOString().slice(0, 19);

export class WordPressApiFake {
  readonly users: FakeUser[] = [
    {
      id: 1,
      username: 'admin',
      name: 'Admin',
      role: 'administrator',
      applicationPassword: 'aaaa bbbb cccc dddd eeee ffff',
    },
    {
      id: 2,
      username: 'ana',
      name: 'Ana',
      role: 'author',
      applicationPassword: 'Ab12 Cd34 Ef56 Gh78 Ij90 Kl12',
    },
    {
      id: 3,
      username: 'sub',
      name: 'Sub',
      role: 'subscriber',
      applicationPassword: 'zzzz yyyy xxxx wwww vvvv uuuu',
    },
    {
      id: 4,
      username: 'reader',
      name: 'Reader',
      role: 'subscriber',
      applicationPassword: 'rrrr rrrr rrrr rrrr rrrr rrrr',
    },
  ];
  readonly posts: FakePost[] = [];
  readonly media: FakeMedia[] = [];
  readonly comments: FakeComment[] = [];
  readonly categories: Term[] = [
    { id: 1, name: 'Uncategorized', slug: 'uncategorized' },
    { id: 2, name: 'News &amp; Events', slug: 'news-events' },
  ];
  readonly tags: Term[] = [{ id: 3, name: 'Coffee', slug: 'coffee' }];
  /** Requests by "METHOD route". */
  readonly requests: string[] = [];
  /** Requests the description does not allow (each also answered 400). */
  readonly specProblems: string[] = [];
  private nextId = 10;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  baseUrl = '';

  get author(): FakeUser {
    return this.users[1];
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        send(res, 500, { code: 'internal_server_error', message: String(error), data: { status: 500 } });
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A reader's comment on a post, now. */
  addComment(post: number, content: string, by = this.users[3]): FakeComment {
    const comment = {
      id: this.nextId++,
      post,
      parent: 0,
      author: by.id,
      authorName: by.name,
      content: `<p>${content}</p>\n`,
      dateGmt: wpNow(),
    };
    this.comments.push(comment);
    return comment;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const route = url.searchParams.get('rest_route');
    const body = await readBody(req);
    if (route === null) {
      // The home page announces the REST API's root (plain permalinks).
      res.writeHead(200, {
        'content-type': 'text/html; charset=UTF-8',
        link: `<${this.baseUrl}/index.php?rest_route=/>; rel="https://api.w.org/"`,
      });
      res.end('<!doctype html><title>Fake WordPress</title>');
      return;
    }
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${route}`);
    const q = url.searchParams;
    const query = Object.fromEntries([...q].filter(([name]) => name !== 'rest_route'));
    const json = (req.headers['content-type'] ?? '').startsWith('application/json');
    const problems = SPEC.check({
      method,
      path: route,
      query,
      body: json ? parseJson(body) : undefined,
      contentType: req.headers['content-type'],
    });
    if (problems.length > 0) {
      this.specProblems.push(...problems);
      return send(res, 400, {
        code: 'rest_invalid_param',
        message: `Invalid parameter(s): ${problems.join('; ')}`,
        data: { status: 400 },
      });
    }
    const user = this.authenticate(req.headers.authorization);
    if (user === 'invalid') {
      return send(
        res,
        401,
        error('incorrect_password', 'The provided password is an invalid application password.', 401),
      );
    }
    let match: RegExpExecArray | null;
    if (route === '/' && method === 'GET') {
      return send(res, 200, { name: 'Fake WordPress', namespaces: ['wp/v2'], routes: {} });
    }
    if (route === '/wp/v2/users/me' && method === 'GET') {
      if (!user) {
        return send(res, 401, error('rest_not_logged_in', 'You are not currently logged in.', 401));
      }
      return send(res, 200, {
        id: user.id,
        name: user.name,
        description: 'Coffee people.',
        url: 'https://acme.example',
        slug: user.username,
      });
    }
    if (route === '/wp/v2/posts' && method === 'POST') {
      return this.createPost(res, user, parseJson(body));
    }
    if (route === '/wp/v2/posts' && method === 'GET') {
      return this.listPosts(res, user, q);
    }
    if ((match = /^\/wp\/v2\/posts\/(\d+)$/.exec(route)) && method === 'DELETE') {
      return this.deletePost(res, user, Number(match[1]), q.get('force') === 'true');
    }
    if (route === '/wp/v2/media' && method === 'POST') {
      return this.upload(res, user, req, body);
    }
    if (route === '/wp/v2/media' && method === 'GET') {
      const slugs = (q.get('slug') ?? '').split(',').filter(Boolean);
      const found = this.media.filter(
        (file) =>
          (!slugs.length || slugs.includes(file.slug)) &&
          (!q.get('author') || file.author === Number(q.get('author'))),
      );
      return send(
        res,
        200,
        found.map((file) => this.mediaJson(file)),
      );
    }
    if ((match = /^\/wp\/v2\/media\/(\d+)$/.exec(route)) && method === 'POST') {
      const file = this.media.find((candidate) => candidate.id === Number(match![1]));
      if (!file) {
        return send(res, 404, error('rest_post_invalid_id', 'Invalid post ID.', 404));
      }
      if (!user || (file.author !== user.id && user.role !== 'administrator' && user.role !== 'editor')) {
        return send(
          res,
          user ? 403 : 401,
          error('rest_cannot_edit', 'Sorry, you are not allowed to edit this post.', user ? 403 : 401),
        );
      }
      const json = parseJson(body) as { alt_text?: string };
      file.altText = json.alt_text ?? file.altText;
      return send(res, 200, this.mediaJson(file));
    }
    if (route === '/wp/v2/categories' && method === 'GET') {
      return send(res, 200, this.terms(this.categories, q));
    }
    if (route === '/wp/v2/tags' && method === 'GET') {
      return send(res, 200, this.terms(this.tags, q));
    }
    if (route === '/wp/v2/tags' && method === 'POST') {
      if (!user || !CAN_CREATE_TERMS.includes(user.role)) {
        const status = user ? 403 : 401;
        return send(
          res,
          status,
          error('rest_cannot_create', 'Sorry, you are not allowed to create terms in this taxonomy.', status),
        );
      }
      const { name } = parseJson(body) as { name?: string };
      if (!name) {
        return send(res, 400, error('rest_missing_callback_param', 'Missing parameter(s): name', 400));
      }
      const existing = this.tags.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
      if (existing) {
        return send(res, 400, {
          ...error('term_exists', 'A term with the name provided already exists in this taxonomy.', 400),
          data: { status: 400, term_id: existing.id },
        });
      }
      const tag = { id: this.nextId++, name, slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-') };
      this.tags.push(tag);
      return send(res, 201, tag);
    }
    if (route === '/wp/v2/comments' && method === 'GET') {
      // Only moderators (Editors, Administrators) may ask for context=edit or another status than approved.
      const moderator = user && (user.role === 'editor' || user.role === 'administrator');
      if (!moderator && (q.get('context') === 'edit' || (q.get('status') ?? 'approve') !== 'approve')) {
        const status = user ? 403 : 401;
        return send(
          res,
          status,
          error('rest_forbidden_context', 'Sorry, you are not allowed to edit comments.', status),
        );
      }
      return this.listComments(res, q);
    }
    if (route === '/wp/v2/comments' && method === 'POST') {
      return this.createComment(res, user, parseJson(body));
    }
    return send(
      res,
      404,
      error('rest_no_route', 'No route was found matching the URL and request method.', 404),
    );
  }

  private authenticate(header: string | undefined): FakeUser | undefined | 'invalid' {
    if (!header?.startsWith('Basic ')) {
      return undefined;
    }
    const [username, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    const password = rest.join(':').replace(/\s+/g, '');
    const user = this.users.find((candidate) => candidate.username === username);
    return user && user.applicationPassword.replace(/\s+/g, '') === password ? user : 'invalid';
  }

  private createPost(res: ServerResponse, user: FakeUser | undefined, json: Record<string, unknown>): void {
    if (!user || !CAN_PUBLISH.includes(user.role)) {
      const status = user ? 403 : 401;
      return send(
        res,
        status,
        error('rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.', status),
      );
    }
    const status = (json.status as string | undefined) ?? 'draft';
    if (!['publish', 'future', 'draft', 'pending', 'private'].includes(status)) {
      return send(res, 400, {
        code: 'rest_invalid_param',
        message: 'Invalid parameter(s): status',
        data: {
          status: 400,
          params: { status: 'status is not one of publish, future, draft, pending, and private.' },
        },
      });
    }
    for (const id of (json.categories as number[] | undefined) ?? []) {
      if (!this.categories.some((term) => term.id === id)) {
        return send(res, 400, {
          code: 'rest_invalid_param',
          message: 'Invalid parameter(s): categories',
          data: { status: 400, params: { categories: `Invalid term ID ${id}` } },
        });
      }
    }
    const wanted =
      (json.slug as string | undefined) ??
      str(json.title, 'post')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-');
    let slug = wanted;
    for (
      let n = 2;
      this.posts.some((post) => post.slug === slug) || this.media.some((file) => file.slug === slug);
      n++
    ) {
      slug = `${wanted}-${n}`;
    }
    const dateGmt =
      typeof json.date_gmt === 'string' ? json.date_gmt.replace(/Z$/, '').slice(0, 19) : wpNow();
    const post: FakePost = {
      id: this.nextId++,
      author: user.id,
      title: str(json.title, ''),
      content: str(json.content, ''),
      excerpt: str(json.excerpt, ''),
      slug,
      status: status === 'future' && Date.parse(`${dateGmt}Z`) <= Date.now() ? 'publish' : status,
      dateGmt,
      categories: (json.categories as number[] | undefined) ?? [1],
      tags: (json.tags as number[] | undefined) ?? [],
      featuredMedia: Number(json.featured_media ?? 0),
    };
    this.posts.push(post);
    send(res, 201, this.postJson(post, true));
  }

  private listPosts(res: ServerResponse, user: FakeUser | undefined, q: URLSearchParams): void {
    const statuses = (q.get('status') ?? 'publish').split(',');
    const edit = q.get('context') === 'edit';
    if (
      (edit || statuses.some((status) => status !== 'publish')) &&
      !(user && CAN_PUBLISH.includes(user.role))
    ) {
      return send(res, 400, {
        code: 'rest_invalid_param',
        message: 'Invalid parameter(s): status',
        data: { status: 400, params: { status: 'Status is forbidden.' } },
      });
    }
    const slugs = (q.get('slug') ?? '').split(',').filter(Boolean);
    const perPage = Number(q.get('per_page') ?? 10);
    const found = this.posts
      .filter(
        (post) =>
          statuses.includes(post.status) &&
          (!slugs.length || slugs.includes(post.slug)) &&
          (!q.get('author') || post.author === Number(q.get('author'))),
      )
      .sort((a, b) => b.dateGmt.localeCompare(a.dateGmt) || b.id - a.id)
      .slice(0, perPage);
    send(
      res,
      200,
      found.map((post) => this.postJson(post, edit)),
    );
  }

  private deletePost(res: ServerResponse, user: FakeUser | undefined, id: number, force: boolean): void {
    const post = this.posts.find((candidate) => candidate.id === id);
    if (!post) {
      return send(res, 404, error('rest_post_invalid_id', 'Invalid post ID.', 404));
    }
    if (!user || (post.author !== user.id && user.role !== 'administrator' && user.role !== 'editor')) {
      const status = user ? 403 : 401;
      return send(
        res,
        status,
        error('rest_cannot_delete', 'Sorry, you are not allowed to delete this post.', status),
      );
    }
    if (force) {
      this.posts.splice(this.posts.indexOf(post), 1);
      return send(res, 200, { deleted: true, previous: this.postJson(post, true) });
    }
    if (post.status === 'trash') {
      return send(res, 410, error('rest_already_trashed', 'The post has already been deleted.', 410));
    }
    post.status = 'trash';
    send(res, 200, this.postJson(post, true));
  }

  private upload(res: ServerResponse, user: FakeUser | undefined, req: IncomingMessage, body: Buffer): void {
    if (!user || !CAN_PUBLISH.includes(user.role)) {
      const status = user ? 403 : 401;
      return send(
        res,
        status,
        error('rest_cannot_create', 'Sorry, you are not allowed to upload media on this site.', status),
      );
    }
    const filename = /filename="?([^";]+)"?/.exec(req.headers['content-disposition'] ?? '')?.[1];
    if (!filename || body.length === 0) {
      return send(res, 400, error('rest_upload_no_data', 'No data supplied.', 400));
    }
    const wanted = filename.replace(/\.[^.]+$/, '').toLowerCase();
    let slug = wanted;
    for (
      let n = 2;
      this.media.some((file) => file.slug === slug) || this.posts.some((post) => post.slug === slug);
      n++
    ) {
      slug = `${wanted}-${n}`;
    }
    const file: FakeMedia = {
      id: this.nextId++,
      author: user.id,
      slug,
      filename,
      mimeType: String(req.headers['content-type']),
      bytes: body.length,
      altText: '',
      dateGmt: wpNow(),
    };
    this.media.push(file);
    send(res, 201, this.mediaJson(file));
  }

  private terms(terms: Term[], q: URLSearchParams): Term[] {
    const search = q.get('search')?.toLowerCase();
    return terms.filter(
      (term) => !search || term.name.toLowerCase().includes(search) || term.slug.includes(search),
    );
  }

  private listComments(res: ServerResponse, q: URLSearchParams): void {
    const posts = (q.get('post') ?? '').split(',').filter(Boolean).map(Number);
    const after = q.get('after') ? Date.parse(q.get('after')!) : undefined;
    const before = q.get('before') ? Date.parse(q.get('before')!) : undefined;
    const perPage = Number(q.get('per_page') ?? 10);
    const page = Number(q.get('page') ?? 1);
    const found = this.comments
      .filter((comment) => {
        const at = Date.parse(`${comment.dateGmt}Z`);
        return (
          (!posts.length || posts.includes(comment.post)) &&
          (q.get('parent') === null || comment.parent === Number(q.get('parent'))) &&
          (q.get('author') === null || comment.author === Number(q.get('author'))) &&
          (after === undefined || at > after) &&
          (before === undefined || at < before)
        );
      })
      .sort((a, b) => a.dateGmt.localeCompare(b.dateGmt) || a.id - b.id);
    const pages = Math.max(1, Math.ceil(found.length / perPage));
    res.setHeader('x-wp-total', String(found.length));
    res.setHeader('x-wp-totalpages', String(pages));
    send(
      res,
      200,
      found
        .slice((page - 1) * perPage, page * perPage)
        .map((comment) => this.commentJson(comment, q.get('context') === 'edit')),
    );
  }

  private createComment(
    res: ServerResponse,
    user: FakeUser | undefined,
    json: Record<string, unknown>,
  ): void {
    if (!user) {
      return send(
        res,
        401,
        error('rest_comment_login_required', 'Sorry, you must be logged in to comment.', 401),
      );
    }
    const post = this.posts.find((candidate) => candidate.id === Number(json.post));
    if (!post) {
      return send(
        res,
        403,
        error(
          'rest_comment_invalid_post_id',
          'Sorry, you are not allowed to create this comment without a post.',
          403,
        ),
      );
    }
    const content = str(json.content, '');
    if (
      this.comments.some(
        (comment) => comment.post === post.id && comment.author === user.id && comment.content === content,
      )
    ) {
      return send(
        res,
        409,
        error(
          'comment_duplicate',
          'Duplicate comment detected; it looks as though you&#8217;ve already said that!',
          409,
        ),
      );
    }
    const comment: FakeComment = {
      id: this.nextId++,
      post: post.id,
      parent: Number(json.parent ?? 0),
      author: user.id,
      authorName: user.name,
      content,
      dateGmt: wpNow(),
    };
    this.comments.push(comment);
    send(res, 201, this.commentJson(comment, true));
  }

  private postJson(post: FakePost, edit: boolean) {
    return {
      id: post.id,
      date_gmt: post.dateGmt,
      slug: post.slug,
      status: post.status,
      link: `${this.baseUrl}/?p=${post.id}`,
      author: post.author,
      title: edit ? { raw: post.title, rendered: post.title } : { rendered: post.title },
      content: edit ? { raw: post.content, rendered: post.content } : { rendered: post.content },
      excerpt: { rendered: post.excerpt },
      featured_media: post.featuredMedia,
      categories: post.categories,
      tags: post.tags,
    };
  }

  private mediaJson(file: FakeMedia) {
    return {
      id: file.id,
      date_gmt: file.dateGmt,
      slug: file.slug,
      author: file.author,
      alt_text: file.altText,
      mime_type: file.mimeType,
      source_url: `${this.baseUrl}/wp-content/uploads/${file.filename}`,
    };
  }

  private commentJson(comment: FakeComment, edit: boolean) {
    return {
      id: comment.id,
      post: comment.post,
      parent: comment.parent,
      author: comment.author,
      author_name: comment.authorName,
      date_gmt: comment.dateGmt,
      link: `${this.baseUrl}/?p=${comment.post}#comment-${comment.id}`,
      status: 'approved',
      content: edit ? { raw: comment.content, rendered: comment.content } : { rendered: comment.content },
    };
  }
}

/** A string field of a JSON body, else the fallback. */
const str = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

const error = (code: string, message: string, status: number) => ({ code, message, data: { status } });

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || '{}');
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
