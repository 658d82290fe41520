import { randomBytes } from 'node:crypto';
import { PluginStateRepository } from '../persistence/plugin-state.repository';

/**
 * The key that signs acknowledge/resolve links: METRONOME_LINK_SECRET when set (give every replica the
 * same one), otherwise one generated once and kept in the database so links survive restarts.
 */
export async function incidentLinkSecret(
  state: PluginStateRepository,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (env.METRONOME_LINK_SECRET) {
    return env.METRONOME_LINK_SECRET;
  }
  const stored = await state.get('metronome', 'system', 'incident-link-secret');
  if (typeof stored === 'string') {
    return stored;
  }
  const secret = randomBytes(32).toString('base64url');
  await state.set('metronome', 'system', 'incident-link-secret', secret);
  // A concurrent first start may have written its own: whichever is stored now is the one everyone uses.
  return (await state.get('metronome', 'system', 'incident-link-secret')) as string;
}
