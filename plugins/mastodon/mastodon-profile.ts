import { refusedByPlatform, type DesiredProfile } from '../../src/plugin-sdk';
import type { MastodonApi } from './mastodon-api';
import type { MastodonAccount } from './mastodon-entities';

/** Mastodon's default `max_profile_fields` (instances may raise it; the server's 422 says so if it is lower). */
export const MAX_PROFILE_FIELDS = 4;

type Field = { name: string; value: string };

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value) && URL.canParse(value);
}

/**
 * The profile fields after the links change: fields that are not links (pronouns, "Since 2009") stay where they
 * are, link fields are replaced by the desired links, each keeping the name it had when its value was there
 * already, else named after its host.
 */
export function fieldsWithLinks(current: readonly Field[], links: readonly string[]): Field[] {
  const same = (a: string, b: string) =>
    a.trim().replace(/\/+$/, '').toLowerCase() === b.trim().replace(/\/+$/, '').toLowerCase();
  const kept = current.filter((field) => !isHttpUrl(field.value.trim()));
  const linked = links.map((link) => ({
    name: current.find((field) => same(field.value, link))?.name ?? new URL(link).hostname,
    value: link,
  }));
  return [...kept, ...linked];
}

/**
 * `PATCH /api/v1/accounts/update_credentials` with what `desired` names (display_name, note, fields_attributes):
 * fields left out stay as they are. Answers the account as the server stored it.
 */
export async function updateCredentials(api: MastodonApi, desired: DesiredProfile): Promise<MastodonAccount> {
  const form = new URLSearchParams();
  if (desired.displayName !== undefined) {
    form.set('display_name', desired.displayName);
  }
  if (desired.bio !== undefined) {
    form.set('note', desired.bio);
  }
  if (desired.links !== undefined) {
    const { body: account } = await api.json<MastodonAccount>(
      { path: '/api/v1/accounts/verify_credentials' },
      'reading the profile fields (verify_credentials)',
    );
    const fields = fieldsWithLinks(account.source?.fields ?? [], desired.links);
    if (fields.length > MAX_PROFILE_FIELDS) {
      throw refusedByPlatform(
        undefined,
        `${fields.length} profile fields (${fields.map((f) => f.name).join(', ')}) do not fit Mastodon's ${MAX_PROFILE_FIELDS}: declare fewer links`,
      );
    }
    fields.forEach((field, index) => {
      form.set(`fields_attributes[${index}][name]`, field.name);
      form.set(`fields_attributes[${index}][value]`, field.value);
    });
  }
  const call = { method: 'PATCH' as const, path: '/api/v1/accounts/update_credentials', form };
  const response = await api.send(call);
  if (response.status < 200 || response.status > 299) {
    throw await api.failure(response, 'updating the profile');
  }
  return api.readJson<MastodonAccount>(response, call);
}
