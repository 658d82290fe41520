import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatConfigIssue } from '../../src/config/config-issue';
import { loadConfiguration, summarizeConfig } from '../../src/config/config.loader';
import { generateConfigJsonSchema } from '../../src/config/json-schema.generator';

describe('shipped configurations', () => {
  it('the demo config is valid and runs on the sandbox connector alone', async () => {
    const result = await loadConfiguration('config/metronome.yaml', { env: {} });
    if (!result.ok) {
      throw new Error(result.issues.map(formatConfigIssue).join('\n'));
    }
    expect(summarizeConfig(result.loaded)).toContain('1 brand, 1 channel, 2 people');
    expect(result.loaded.config.brands.demo.channels.sandbox.connector).toBe('sandbox');
  });

  it('the agency example is valid, with every plugin it names built in', async () => {
    const env = {
      SMTP_HOST: 'smtp.example',
      SMTP_USER: 'u',
      SMTP_PASSWORD: 'p',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX',
      NORTHWIND_BSKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop',
      NORTHWIND_MASTODON_TOKEN: 'b',
      HARBOR_BSKY_APP_PASSWORD: 'qrst-uvwx-yz23-4567',
      LINKEDIN_CLIENT_ID: '86abcdefgh1234',
      LINKEDIN_CLIENT_SECRET: 's',
      META_APP_ID: '1234567890',
      META_APP_SECRET: 's',
      INSTAGRAM_APP_ID: '1234567891',
      INSTAGRAM_APP_SECRET: 's',
      THREADS_APP_ID: '1234567892',
      THREADS_APP_SECRET: 's',
    };
    const result = await loadConfiguration('config/examples/agency.yaml', { env });
    const messages = result.ok ? [] : result.issues.map((issue) => issue.message);
    expect(messages).toEqual([]);
  });

  it('the reach example is valid, with the seven connectors it names built in', async () => {
    const env = {
      SMTP_HOST: 'smtp.example',
      SMTP_USER: 'u',
      SMTP_PASSWORD: 'p',
      X_CLIENT_ID: 'x-id',
      X_CLIENT_SECRET: 's',
      YOUTUBE_CLIENT_ID: '123-abc.apps.googleusercontent.com',
      YOUTUBE_CLIENT_SECRET: 's',
      TIKTOK_CLIENT_KEY: 'awkey123',
      TIKTOK_CLIENT_SECRET: 's',
      PINTEREST_APP_ID: '1500000',
      PINTEREST_APP_SECRET: 's',
      KESTREL_TELEGRAM_BOT_TOKEN: '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11',
      KESTREL_DISCORD_BOT_TOKEN: 'MTE4.abc.def',
      KESTREL_WP_APP_PASSWORD: 'abcd efgh ijkl mnop qrst uvwx',
    };
    const result = await loadConfiguration('config/examples/agency-reach.yaml', { env });
    const messages = result.ok ? [] : result.issues.map((issue) => issue.message);
    expect(messages).toEqual([]);
    if (result.ok) {
      const connectors = Object.values(result.loaded.config.brands.kestrel.channels).map((c) => c.connector);
      expect(connectors.sort()).toEqual([
        'discord',
        'pinterest',
        'telegram',
        'tiktok',
        'wordpress',
        'x',
        'youtube',
      ]);
    }
  });

  it("every shipped example validates without its secrets (as a content repository's CI would)", async () => {
    const examples = [
      'config/metronome.yaml',
      ...readdirSync('config/examples')
        .filter((name) => /\.ya?ml$/.test(name))
        .map((name) => join('config/examples', name)),
    ];
    for (const example of examples) {
      const result = await loadConfiguration(example, { env: {}, withoutSecrets: true });
      expect({ example, problems: result.ok ? [] : result.issues.map(formatConfigIssue) }).toEqual({
        example,
        problems: [],
      });
    }
  });

  it('config/metronome.schema.json is the schema the code generates (run `npm run schema` after changing it)', () => {
    const committed: unknown = JSON.parse(readFileSync('config/metronome.schema.json', 'utf8'));
    expect(committed).toEqual(generateConfigJsonSchema());
  });
});
