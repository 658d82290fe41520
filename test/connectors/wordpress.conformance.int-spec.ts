import wordpress from '../../plugins/wordpress';
import { htmlToText } from '../../plugins/wordpress/wordpress-html';
import type { WordPressOptions } from '../../plugins/wordpress/wordpress-options.schema';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { WordPressApiFake } from '../fakes/wordpress-api.fake';

// The contract fake of the WordPress REST API behind the kit's fault proxy (plain permalinks: every route is
// `/index.php?rest_route=…`, and every POST the kit makes creates a post). The same kit runs against a real
// WordPress in wordpress.services-spec.ts.
describeConnectorConformance<WordPressOptions>('wordpress connector: conformance kit (contract fake)', {
  plugin: wordpress,
  startPlatform: async () => {
    const fake = await new WordPressApiFake().start();
    const proxy = await createFaultProxy(fake.baseUrl, {
      errorBody: (status, kind) => ({
        code: kind === 'refused' ? 'rest_invalid_param' : `http_${status}`,
        message: `injected ${kind}`,
        data: { status },
      }),
    });
    return {
      options: {
        siteUrl: proxy.url,
        restBase: `${proxy.url}/index.php?rest_route=/`,
        username: fake.author.username,
        applicationPassword: fake.author.applicationPassword,
        html: false,
        createTags: true,
        forceDelete: false,
        timeoutMs: 2_000,
      },
      injectFault: (fault) => proxy.injectFault(fault),
      posts: () =>
        Promise.resolve(
          fake.posts
            .filter((post) => post.author === fake.author.id && post.status !== 'trash')
            .map((post) => ({ remoteId: String(post.id), text: htmlToText(post.content) })),
        ),
      addInboxItem: async ({ text }) => {
        const newest = fake.posts
          .filter((post) => post.author === fake.author.id && post.status === 'publish')
          .at(-1);
        if (!newest) {
          throw new Error('no post to comment on');
        }
        // WordPress dates have whole seconds: the next comment comes in the next second, as on a real site.
        await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 5));
        fake.addComment(newest.id, text);
      },
      close: async () => {
        await proxy.close();
        await fake.stop();
      },
    };
  },
});
