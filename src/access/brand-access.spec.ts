import { metronomeConfigSchema } from '../config/schema/metronome-config.schema';
import { secureCookiesOf } from '../config/schema/web.schema';
import { rolesIn } from './brand-access';

const config = metronomeConfigSchema.parse({
  organisation: { name: 'Agency' },
  people: {
    maya: { name: 'Maya', admin: true },
    theo: { name: 'Theo' },
    cleo: { name: 'Cleo' },
    rosa: { name: 'Rosa' },
  },
  brands: {
    acme: {
      name: 'Acme',
      timezone: 'Europe/London',
      owner: 'theo',
      roles: { cleo: 'client', rosa: ['community', 'editor'] },
      channels: { social: { connector: 'sandbox' } },
      approvals: { std: { steps: [{ name: 'review', approvers: ['rosa'], dueBefore: '24h' }] } },
    },
    beta: {
      name: 'Beta',
      timezone: 'Europe/London',
      owner: 'maya',
      channels: { social: { connector: 'sandbox' } },
    },
  },
});

describe('roles per brand', () => {
  it('derives the owner and the approvers from the config, beside the roles written down', () => {
    expect(rolesIn(config, 'theo', 'acme')).toEqual(['owner']);
    expect(rolesIn(config, 'rosa', 'acme')).toEqual(['community', 'editor', 'approver']);
    expect(rolesIn(config, 'cleo', 'acme')).toEqual(['client']);
  });

  it('gives nothing on a brand the person has no part in, and nothing to a stranger', () => {
    expect(rolesIn(config, 'theo', 'beta')).toEqual([]);
    expect(rolesIn(config, 'cleo', 'beta')).toEqual([]);
    expect(rolesIn(config, 'mallory', 'acme')).toEqual([]);
    expect(rolesIn(config, 'theo', 'no-such-brand')).toEqual([]);
  });

  it('makes an organisation admin admin on every brand', () => {
    expect(rolesIn(config, 'maya', 'acme')).toEqual(['admin']);
    expect(rolesIn(config, 'maya', 'beta')).toEqual(['admin', 'owner']);
  });
});

describe('session cookie Secure flag', () => {
  const with_ = (publicUrl: string | undefined, secureCookies?: boolean) =>
    secureCookiesOf({ organisation: { publicUrl }, web: { ...config.web, secureCookies } });

  it('is on behind an https public URL and off on a local http setup unless configured', () => {
    expect(with_('https://metronome.example.org')).toBe(true);
    expect(with_('http://localhost:3000')).toBe(false);
    expect(with_(undefined)).toBe(false);
    expect(with_(undefined, true)).toBe(true);
    expect(with_('https://metronome.example.org', false)).toBe(false);
  });
});
