import { readFileSync } from 'node:fs';
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

  it('the agency example is valid apart from the plugins that later issues add', async () => {
    const env = {
      SMTP_HOST: 'smtp.example',
      SMTP_USER: 'u',
      SMTP_PASSWORD: 'p',
      SLACK_WEBHOOK_URL: 'https://hooks.example/x',
      NORTHWIND_BSKY_APP_PASSWORD: 'a',
      NORTHWIND_MASTODON_TOKEN: 'b',
      HARBOR_BSKY_APP_PASSWORD: 'c',
    };
    const result = await loadConfiguration('config/examples/agency.yaml', { env });
    const messages = result.ok ? [] : result.issues.map((issue) => issue.message);
    // Bluesky and Mastodon connectors (publishing issue) and e-mail/Slack notifiers (rule engine issue) and the "standard" report template (review issue) are not
    // built yet; everything else in the example — people, brands, approvals, CEL rules, escalations — must pass.
    const unexpected = messages.filter(
      (m) =>
        !/^unknown (connector|notifier|report-template) "(bluesky|mastodon|email|slack|standard)"/.test(m),
    );
    expect(unexpected).toEqual([]);
    expect(messages.length).toBe(7);
  });

  it('config/metronome.schema.json is the schema the code generates (run `npm run schema` after changing it)', () => {
    const committed: unknown = JSON.parse(readFileSync('config/metronome.schema.json', 'utf8'));
    expect(committed).toEqual(generateConfigJsonSchema());
  });
});
