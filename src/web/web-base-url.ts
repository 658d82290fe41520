import type { MetronomeConfig } from '../config/schema/metronome-config.schema';

/** Where people reach this Metronome: `organisation.publicUrl`, else http://localhost:<PORT>. No trailing slash. */
export function webBaseUrl(config: MetronomeConfig, env: NodeJS.ProcessEnv = process.env): string {
  return (config.organisation.publicUrl ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, '');
}

/** A `next` path after sign-in: a path on this site only (never `//evil.example` or a full URL). */
export function safeNextPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length <= 500 ? next : '/';
}
