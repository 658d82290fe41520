import { z } from '../../src/plugin-sdk';
import { GRAPH_HOST, LOGIN_HOST } from './facebook-version';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or plain http to this machine (the contract fake in tests); no path, query or credentials. */
export function isOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  return secure && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
}

const origin = (what: string, example: string) =>
  z
    .string()
    .refine(isOrigin, {
      error: `must be the https:// address of ${what} without a path, e.g. "${example}"`,
    })
    .transform((value) => value.replace(/\/+$/, ''));

/** A Page id as Graph writes it: digits only. */
const PAGE_ID = /^\d{1,32}$/;
/** A token as Meta issues it: printable characters without spaces. */
const TOKEN = /^[\x21-\x7e]+$/;

/** Options of the facebook connector. Messages never echo a secret. */
export const facebookOptionsSchema = z
  .strictObject(
    {
      pageId: z
        .string()
        .regex(PAGE_ID, {
          error:
            'must be the Page id (digits only), shown under the Page’s About → Page transparency, or in Meta Business Suite → Settings',
        })
        .optional()
        .describe(
          'The Facebook Page to publish to. Required with accessToken; with OAuth it picks the Page when the account manages several (it overrides what `channels connect` found).',
        ),
      clientId: z
        .string()
        .min(1)
        .optional()
        .describe('The Meta app’s App ID (App settings → Basic), for `metronome channels connect`.'),
      clientSecret: z
        .string()
        .min(1)
        .optional()
        .describe(
          'The Meta app’s App Secret, written "${env:…}" or "${file:…}". Also signs every call (appsecret_proof).',
        ),
      accessToken: z
        .string()
        .regex(TOKEN, {
          error: 'must be a Page access token as Meta shows it: printable characters, no spaces',
        })
        .optional()
        .describe(
          'A Page access token pasted by hand ("${env:…}"), instead of `metronome channels connect`. Needs pageId.',
        ),
      graphBaseUrl: origin('the Graph API', GRAPH_HOST)
        .default(GRAPH_HOST)
        .describe('The Graph API host. Default https://graph.facebook.com; tests point it at a fake.'),
      loginBaseUrl: origin('Facebook Login', LOGIN_HOST)
        .default(LOGIN_HOST)
        .describe('The host of Facebook Login’s consent dialog. Default https://www.facebook.com.'),
      inboxLookbackDays: z
        .number()
        .int()
        .min(1)
        .max(90)
        .default(14)
        .describe('Comments are read on the Page’s posts of the last this many days.'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the facebook connector takes pageId, clientId, clientSecret, accessToken, graphBaseUrl, loginBaseUrl and inboxLookbackDays`
          : undefined,
    },
  )
  .superRefine((options, context) => {
    if (options.accessToken && !options.pageId) {
      context.addIssue({
        code: 'custom',
        path: ['pageId'],
        message:
          'required with accessToken: the id of the Page the token belongs to (a Page token alone does not say which Page to publish to)',
      });
    }
    if (!options.accessToken && !options.clientId) {
      context.addIssue({
        code: 'custom',
        path: ['clientId'],
        message:
          'required: the Meta app’s App ID (with clientSecret) so `metronome channels connect` can sign in, or give a Page accessToken and pageId instead',
      });
    }
    if (options.clientId && !options.clientSecret) {
      context.addIssue({
        code: 'custom',
        path: ['clientSecret'],
        message:
          'required with clientId: the Meta app’s App Secret (App settings → Basic), written "${env:FACEBOOK_APP_SECRET}"',
      });
    }
  });

export type FacebookOptions = z.output<typeof facebookOptionsSchema>;
