import type { Browser } from 'puppeteer-core';
import { ChromiumSandboxError, chromiumArgs, launchChromium, sandboxModeFrom } from './chromium-launch';

/** The launch decisions; the real launches (sandboxed as non-root, refused as root) are in test/reporting. */
describe('launching Chromium with its sandbox where the host allows it', () => {
  const browser = {} as Browser;
  const noUsableSandbox = new Error(
    'Failed to launch the browser process!\n[12:12:FATAL:zygote_host_impl_linux.cc(127)] No usable sandbox! Update your kernel…\n',
  );

  it('a non-root process gets the sandbox: no --no-sandbox, and the network is switched off', async () => {
    const calls: string[][] = [];
    const launched = await launchChromium(async (args) => (calls.push(args), browser), 'auto', 10001);
    expect(launched).toEqual({ browser, sandboxed: true });
    expect(calls).toEqual([chromiumArgs(true)]);
    expect(calls[0]).not.toContain('--no-sandbox');
    expect(calls[0]).toEqual(
      expect.arrayContaining(['--proxy-server=http://127.0.0.1:1', '--proxy-bypass-list=<-loopback>']),
    );
  });

  it('auto falls back when Chromium says no sandbox is usable, and says why', async () => {
    const calls: string[][] = [];
    const launched = await launchChromium(
      async (args) => {
        calls.push(args);
        if (calls.length === 1) {
          throw noUsableSandbox;
        }
        return browser;
      },
      'auto',
      10001,
    );
    expect(calls.map((args) => args.includes('--no-sandbox'))).toEqual([false, true]);
    expect(launched.sandboxed).toBe(false);
    expect(launched.withoutSandbox).toContain('No usable sandbox!');
    expect(launched.withoutSandbox).toContain('seccomp profile must allow clone/unshare');
  });

  it('auto falls back too when Chromium just closes (a seccomp profile refusing namespaces)', async () => {
    const closed = new Error('Protocol error (Target.setDiscoverTargets): Target closed');
    const launched = await launchChromium(
      async (args) => {
        if (!args.includes('--no-sandbox')) {
          throw closed;
        }
        return browser;
      },
      'auto',
      10001,
    );
    expect(launched).toMatchObject({
      sandboxed: false,
      withoutSandbox: expect.stringContaining('Target closed'),
    });
  });

  it('on refuses to run without it, naming the fix; a launch that fails either way is not a sandbox matter', async () => {
    await expect(launchChromium(() => Promise.reject(noUsableSandbox), 'on', 10001)).rejects.toBeInstanceOf(
      ChromiumSandboxError,
    );
    await expect(launchChromium(async () => browser, 'on', 0)).rejects.toThrow(
      'run Metronome as a non-root user',
    );
    const missing = new Error('Browser was not found at the configured executablePath (/nope)');
    await expect(launchChromium(() => Promise.reject(missing), 'auto', 10001)).rejects.toBe(missing);
  });

  it('root runs it without (Chromium refuses otherwise), off never asks', async () => {
    const calls: string[][] = [];
    const launch = async (args: string[]) => (calls.push(args), browser);
    expect((await launchChromium(launch, 'auto', 0)).withoutSandbox).toContain('runs as root');
    expect((await launchChromium(launch, 'off', 10001)).sandboxed).toBe(false);
    expect(calls.every((args) => args.includes('--no-sandbox'))).toBe(true);
    expect(() => sandboxModeFrom({ METRONOME_CHROMIUM_SANDBOX: 'maybe' })).toThrow('must be auto, on or off');
  });
});
