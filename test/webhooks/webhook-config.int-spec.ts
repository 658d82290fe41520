import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatConfigIssue } from '../../src/config/config-issue';
import { loadConfiguration } from '../../src/config/config.loader';

const GOOD_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

async function problems(yaml: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-webhook-config-'));
  writeFileSync(join(dir, 'metronome.yaml'), yaml);
  const result = await loadConfiguration(join(dir, 'metronome.yaml'), { env: {} });
  return result.ok ? [] : result.issues.map((issue) => formatConfigIssue(issue).replace(`${dir}/`, ''));
}

const base = (extra: string) => `organisation: { name: Test }
people: { maya: { name: Maya, email: maya@example.com } }
brands:
  acme:
    name: Acme
    timezone: Europe/London
    owner: maya
    channels: { social: { connector: sandbox, options: { handle: acme } } }
    reports:
      delivery:
        - webhook: { url: "https://hooks.example.com/reports"${extra} }
rules:
  - name: tell-ops
    on: post.submitted
    then: [{ webhook: { url: "https://hooks.example.com/rules"${extra} } }]
`;

describe('webhook settings in the configuration', () => {
  it('a rule or report webhook without a secret, or with one that is not a Standard Webhooks secret, is refused', async () => {
    const missing = await problems(base(''));
    expect(missing).toEqual([
      expect.stringMatching(
        /^metronome\.yaml:11:\d+ +brands\.acme\.reports\.delivery\[0\]\.webhook\.secret +required: add "secret"/,
      ),
      expect.stringMatching(
        /^metronome\.yaml:15:\d+ +rules\[0\]\.then\[0\]\.webhook\.secret +required: add "secret"/,
      ),
    ]);
    const weak = await problems(base(', secret: "hunter2hunter2hunter2"'));
    expect(weak).toHaveLength(2);
    expect(weak[0]).toContain(
      'must be a Standard Webhooks secret: "whsec_" followed by 24 to 64 random bytes',
    );
    expect(await problems(base(`, secret: "${GOOD_SECRET}"`))).toEqual([]);
  });

  it('network.allowInternalTargets takes addresses, ranges and host names, and says what else is wrong', async () => {
    const yaml = `${base(`, secret: "${GOOD_SECRET}"`)}network: { allowInternalTargets: ["10.0.0.5", "10.20.0.0/16", "hooks.internal", "http://x/y"] }\n`;
    expect(await problems(yaml)).toEqual([
      expect.stringMatching(
        /^metronome\.yaml:16:\d+ +network\.allowInternalTargets\[3\] +"http:\/\/x\/y" is neither an IP address/,
      ),
    ]);
  });
});
