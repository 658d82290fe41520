import { Controller, Get, Post, RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import request from 'supertest';
import { PostEntity } from '../../src/content/post.entity';
import { WebSessionGuard } from '../../src/web/session/web-session.guard';
import {
  WEB_ACCESS,
  WEB_PUBLIC,
  WebAccess,
  WebController,
  WebPublic,
  type WebAccessRule,
} from '../../src/web/web-access.decorator';
import { post } from '../content/content-workspace';
import { startWebApp, type SignedIn, type WebApp } from './web-app.fixture';

interface WebRoute {
  /** GET, POST, … */
  method: string;
  /** As Nest registers it: /brands/:brand/calendar. */
  path: string;
  /** Controller.method, for messages. */
  handler: string;
  access?: WebAccessRule;
  public: boolean;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route of every web controller (a controller guarded by WebSessionGuard, which @WebController
 * applies), read from the running app's modules: a screen added later is walked without editing this file.
 */
function discoverWebRoutes(web: WebApp): WebRoute[] {
  const types = new Set<ControllerType>();
  for (const module of web.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) {
        types.add(wrapper.metatype as ControllerType);
      }
    }
  }
  return webRoutesOf([...types]);
}

type ControllerType = new (...args: never[]) => unknown;

/** The routes of the given controllers that are web controllers, with their access metadata. */
function webRoutesOf(types: ControllerType[]): WebRoute[] {
  const scanner = new MetadataScanner();
  const routes: WebRoute[] = [];
  for (const type of types) {
    const guards = (Reflect.getMetadata(GUARDS_METADATA, type) as unknown[] | undefined) ?? [];
    if (!guards.includes(WebSessionGuard)) {
      continue;
    }
    const base = [Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined].flat();
    for (const name of scanner.getAllMethodNames(type.prototype as object)) {
      const handler = (type.prototype as Record<string, unknown>)[name] as object;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) {
        continue;
      }
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const access =
        (Reflect.getMetadata(WEB_ACCESS, handler) as WebAccessRule | undefined) ??
        (Reflect.getMetadata(WEB_ACCESS, type) as WebAccessRule | undefined);
      const isPublic = Boolean(
        Reflect.getMetadata(WEB_PUBLIC, handler) ?? Reflect.getMetadata(WEB_PUBLIC, type),
      );
      for (const prefix of base) {
        for (const path of [paths].flat()) {
          const joined = `/${[prefix, path].filter((part) => part && part !== '/').join('/')}`.replace(
            /\/+/g,
            '/',
          );
          routes.push({ method, path: joined, handler: `${type.name}.${name}`, access, public: isPublic });
        }
      }
    }
  }
  return routes;
}

/** Routes that state no access rule, or both a rule and public: each is a mistake. */
function misstated(routes: WebRoute[]): string[] {
  return routes
    .filter((route) => (!route.access && !route.public) || (route.access && route.public))
    .map((route) => `${route.method} ${route.path} (${route.handler}): ${route.public ? 'both' : 'no rule'}`);
}

/** Controllers the walker must judge right: it is tested on them, so its checks can fail. */
@WebController('walk-sample')
class SampleWebController {
  @WebAccess('view', 'brand')
  @Get(':brand/stated')
  stated() {}

  @Post('forgot')
  forgot() {}

  @WebPublic()
  @WebAccess('edit')
  @Get('both')
  both() {}
}

@Controller('api-sample')
class SampleApiController {
  @Get()
  api() {}
}

/** The routes Express serves: "GET /brands/:brand/calendar". */
function expressRoutes(web: WebApp): Set<string> {
  const instance = web.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const served = new Set<string>();
  for (const layer of instance.router.stack) {
    for (const method of Object.keys(layer.route?.methods ?? {})) {
      served.add(`${method.toUpperCase()} ${layer.route!.path}`);
    }
  }
  return served;
}

describe('web app route walk: every web route states its access and enforces it', () => {
  let web: WebApp;
  let routes: WebRoute[];
  let postId: string;
  let nobody: SignedIn;
  let theo: SignedIn;
  let maya: SignedIn;

  beforeAll(async () => {
    web = await startWebApp({ files: { 'launch.md': post('title: Launch\npublish: 2030-01-09 09:15') } });
    routes = discoverWebRoutes(web);
    postId = (await web.dataSource.getRepository(PostEntity).findOneByOrFail({ title: 'Launch' })).id;
    nobody = await web.signIn('nobody');
    theo = await web.signIn('theo');
    maya = await web.signIn('maya');
  });

  afterAll(async () => {
    await web.close();
  });

  /** Real ids where the parameter names something seeded, a dummy otherwise. */
  const urlOf = (route: WebRoute) =>
    route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
      const real: Record<string, string> = { brand: 'acme', id: postId, post: postId, file: 'app.css' };
      return encodeURIComponent(real[name] ?? `walk-${name}`);
    });

  const send = (route: WebRoute, cookie?: string, csrf?: string) => {
    const method = route.method === 'ALL' ? 'get' : (route.method.toLowerCase() as 'get');
    let call = request(web.server)[method](urlOf(route));
    if (cookie) {
      call = call.set('Cookie', cookie);
    }
    if (!SAFE.has(route.method) && route.method !== 'ALL') {
      call = call.type('form').send(csrf ? { _csrf: csrf } : {});
    }
    return call;
  };

  const guarded = () => routes.filter((route) => !route.public);

  it('discovers the web routes of the running app, as Express serves them', () => {
    const names = routes.map((route) => `${route.method} ${route.path}`);
    for (const known of [
      'GET /',
      'GET /sign-in',
      'GET /sign-in/link',
      'POST /sign-in/link',
      'POST /sign-out',
      'GET /assets/:file',
    ]) {
      expect(names).toContain(known);
    }
    const served = expressRoutes(web);
    expect(names.filter((name) => !served.has(name.replace(/^ALL /, '_ALL ')) && !served.has(name))).toEqual(
      [],
    );
    console.info(`route walk: ${routes.length} web routes\n${names.sort().join('\n')}`);
  });

  it('the walker reads web controllers only, and flags a route without a rule or with both', () => {
    const sample = webRoutesOf([SampleWebController, SampleApiController]);
    expect(sample.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'GET /walk-sample/:brand/stated',
      'GET /walk-sample/both',
      'POST /walk-sample/forgot',
    ]);
    expect(sample.find((route) => route.handler.endsWith('.stated'))?.access).toEqual({
      permission: 'view',
      brandParam: 'brand',
    });
    expect(misstated(sample)).toEqual([
      'POST /walk-sample/forgot (SampleWebController.forgot): no rule',
      'GET /walk-sample/both (SampleWebController.both): both',
    ]);
  });

  it('every web route of the app has @WebAccess or @WebPublic (none states nothing, none both)', () => {
    expect(misstated(routes)).toEqual([]);
  });

  it('without a session: a GET redirects 303 to /sign-in; a POST is never 2xx (303 or 403)', async () => {
    const wrong: string[] = [];
    for (const route of guarded()) {
      const answer = await send(route);
      const location = String(answer.headers.location ?? '');
      const ok = SAFE.has(route.method)
        ? answer.status === 303 && location.startsWith('/sign-in')
        : (answer.status === 303 && location.startsWith('/sign-in')) || answer.status === 403;
      if (!ok) {
        wrong.push(`${route.method} ${route.path} → ${answer.status} ${location}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a person with no role (nobody) is refused 403 or 404 everywhere but "signed-in" routes', async () => {
    const wrong: string[] = [];
    for (const route of guarded()) {
      if (route.access?.permission === 'signed-in') {
        continue;
      }
      // State-changing routes with the session's CSRF token: the access rule is what refuses them.
      const answer = await send(route, nobody.cookie, nobody.csrf);
      if (answer.status !== 403 && answer.status !== 404) {
        wrong.push(`${route.method} ${route.path} (${route.access?.permission}) → ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a state-changing route without the CSRF token is refused 403, even signed in', async () => {
    const wrong: string[] = [];
    for (const route of guarded().filter((r) => !SAFE.has(r.method) && r.method !== 'ALL')) {
      const answer = await send(route, nobody.cookie);
      if (answer.status !== 403) {
        wrong.push(`${route.method} ${route.path} → ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // Still signed in: none of those refusals ended the session.
    await request(web.server).get('/').set('Cookie', nobody.cookie).expect(200);
  });

  it('a brand route answers 404 for a brand the person does not see (cleo, acme only, asking for beta)', async () => {
    const cleo = await web.signIn('cleo');
    const wrong: string[] = [];
    for (const route of guarded().filter((r) => r.access?.brandParam)) {
      const onBeta = { ...route, path: route.path.replace(`:${route.access!.brandParam}`, 'beta') };
      const answer = await send(onBeta, cleo.cookie, cleo.csrf);
      if (answer.status !== 404) {
        wrong.push(`${route.method} ${onBeta.path} → ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('"admin" routes refuse a person with roles who is not an admin (theo) with 403', async () => {
    const wrong: string[] = [];
    for (const route of guarded().filter((r) => r.access?.permission === 'admin')) {
      const answer = await send(route, theo.cookie, theo.csrf);
      if (answer.status !== 403) {
        wrong.push(`${route.method} ${route.path} → ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no GET route answers 5xx, signed out, as nobody or as maya (admin and owner of acme)', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => SAFE.has(r.method) || r.method === 'ALL')) {
      for (const [who, cookie] of [
        ['signed out', undefined],
        ['nobody', nobody.cookie],
        ['maya', maya.cookie],
      ] as const) {
        const answer = await send(route, cookie);
        if (answer.status >= 500) {
          wrong.push(`${route.method} ${route.path} as ${who} → ${answer.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
