import type { Browser } from 'puppeteer-core';
import { InvalidError } from '../errors/domain.error';

/** `METRONOME_CHROMIUM_SANDBOX`: auto (default), on (fail without it), off (never; trusted hosts only). */
export type ChromiumSandboxMode = 'auto' | 'on' | 'off';

export interface LaunchedChromium {
  browser: Browser;
  sandboxed: boolean;
  /** Why Chromium runs without its sandbox, when it does. */
  withoutSandbox?: string;
}

export class ChromiumSandboxError extends InvalidError {}

export function sandboxModeFrom(env: NodeJS.ProcessEnv): ChromiumSandboxMode {
  const value = (env.METRONOME_CHROMIUM_SANDBOX ?? 'auto').trim().toLowerCase();
  if (value === 'auto' || value === 'on' || value === 'off') {
    return value;
  }
  throw new ChromiumSandboxError(`METRONOME_CHROMIUM_SANDBOX=${value}: must be auto, on or off`);
}

/**
 * Every request Chromium makes goes to a proxy on a port it will not connect to (1 is on its list of
 * unsafe ports), loopback included. Request interception and the CSP stay the first two walls; this one
 * also stops what interception never sees, such as `<link rel=prefetch>` (fetched by the browser, not the
 * page). `data:` URLs need no network and still load.
 */
export const NO_NETWORK_ARGS = ['--proxy-server=http://127.0.0.1:1', '--proxy-bypass-list=<-loopback>'];

const BASE_ARGS = [
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  ...NO_NETWORK_ARGS,
];

export function chromiumArgs(sandboxed: boolean): string[] {
  return [...(sandboxed ? [] : ['--no-sandbox']), ...BASE_ARGS];
}

const SANDBOX_FIX =
  'the renderer sandbox needs user namespaces: the container engine’s seccomp profile must allow clone/unshare ' +
  'of namespaces (Podman’s default does, Docker’s does not) and the kernel must allow unprivileged user ' +
  'namespaces, or Debian’s chromium-sandbox setuid helper (in the image) covers a kernel that refuses them. ' +
  'See README "Chromium sandbox".';

/** What Chromium said: its line about the sandbox when it wrote one, else the first line. */
function firstLine(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n');
  return (lines.find((line) => /sandbox/i.test(line)) ?? lines[0]).trim();
}

/**
 * Launches Chromium with its sandbox where the host allows it. Root cannot have it (Chromium refuses), so
 * `auto` runs it without and says so; a non-root process tries the sandbox first and, in `auto`, falls back
 * when only the launch without it succeeds. `on` turns both cases into an error with the fix.
 */
export async function launchChromium(
  launch: (args: string[]) => Promise<Browser>,
  mode: ChromiumSandboxMode,
  uid: number | undefined,
): Promise<LaunchedChromium> {
  if (mode === 'off') {
    return {
      browser: await launch(chromiumArgs(false)),
      sandboxed: false,
      withoutSandbox: 'METRONOME_CHROMIUM_SANDBOX=off',
    };
  }
  if (uid === 0) {
    const why = 'Metronome runs as root, and Chromium runs its sandbox only for other users';
    if (mode === 'on') {
      throw new ChromiumSandboxError(
        `METRONOME_CHROMIUM_SANDBOX=on, but ${why}: run Metronome as a non-root user (the Docker image does)`,
      );
    }
    return { browser: await launch(chromiumArgs(false)), sandboxed: false, withoutSandbox: why };
  }
  let sandboxError: unknown;
  try {
    return { browser: await launch(chromiumArgs(true)), sandboxed: true };
  } catch (error) {
    sandboxError = error;
  }
  // Chromium does not always say that the sandbox is what failed (with a pipe it often just closes): the
  // same launch without it tells. If that fails too, the problem is elsewhere and that error is the one.
  if (mode === 'on') {
    throw new ChromiumSandboxError(
      `METRONOME_CHROMIUM_SANDBOX=on, but Chromium did not start with its sandbox ("${firstLine(sandboxError)}"): ${SANDBOX_FIX}`,
      { cause: sandboxError },
    );
  }
  const browser = await launch(chromiumArgs(false));
  return {
    browser,
    sandboxed: false,
    withoutSandbox: `Chromium did not start with its sandbox on this host ("${firstLine(sandboxError)}"): ${SANDBOX_FIX}`,
  };
}
