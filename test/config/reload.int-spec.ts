import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// SIGHUP is exercised on a real process in test/cli/cli.e2e-spec.ts: Jest gives tests a stand-in `process`
// object whose listeners never see real signals.
describe('configuration reload', () => {
  let dir: string;
  let file: string;
  let service: ConfigService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'metronome-reload-'));
    file = join(dir, 'metronome.yaml');
    copyFileSync('config/metronome.yaml', file);
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('folder: content/demo', 'folder: .')
        .replace('$schema=./metronome.schema.json', ''),
    );
    const loaded = await loadConfiguration(file, { env: {} });
    if (!loaded.ok) {
      throw new Error(JSON.stringify(loaded.issues));
    }
    service = new ConfigService(loaded.loaded, file);
  });

  afterEach(() => {
    service.onModuleDestroy();
  });

  it('applies a valid edit and tells listeners', async () => {
    const seen: string[] = [];
    service.onReload((loaded) => {
      seen.push(loaded.config.organisation.name);
    });
    writeFileSync(file, readFileSync(file, 'utf8').replace('name: Demo Studio', 'name: Renamed Studio'));
    const result = await service.reload('test');
    expect(result.ok).toBe(true);
    expect(service.loaded.config.organisation.name).toBe('Renamed Studio');
    expect(seen).toEqual(['Renamed Studio']);
  });

  it('keeps the running configuration when the new one is invalid', async () => {
    const before = service.loaded;
    writeFileSync(file, readFileSync(file, 'utf8').replace('owner: maya', 'owner: mya'));
    const result = await service.reload('test');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0].message).toBe('unknown person "mya" (did you mean "maya"?)');
    expect(service.loaded).toBe(before);
  });

  it('survives an alias bomb in the new file and keeps the running configuration', async () => {
    const before = service.loaded;
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      bomb.push(
        `b${i}: &b${i} [${Array.from({ length: 9 }, () => (i === 0 ? '*a' : `*b${i - 1}`)).join(', ')}]`,
      );
    }
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n${bomb.join('\n')}\n`);
    const result = await service.reload('test');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((issue) => issue.message)).toEqual([
      expect.stringContaining('YAML: aliases expand to more than 100 copies'),
    ]);
    expect(service.loaded).toBe(before);
  });

  it('applies a renewed secret file although the files as written are the same (SIGHUP after renewing a secret)', async () => {
    writeFileSync(join(dir, 'handle.secret'), 'first-handle\n');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/handle: \S+/, 'handle: ${file:handle.secret}'));
    await service.reload('test');
    const handleOf = () =>
      (service.loaded.config.brands.demo.channels.sandbox.options as { handle: string }).handle;
    expect(handleOf()).toBe('first-handle');
    const seen: string[] = [];
    service.onReload(() => {
      seen.push(handleOf());
    });

    writeFileSync(join(dir, 'handle.secret'), 'renewed-handle\n');
    await service.reload('SIGHUP');

    expect(handleOf()).toBe('renewed-handle');
    expect(seen).toEqual(['renewed-handle']);
    // Nothing changed since: no listener is woken for nothing.
    await service.reload('SIGHUP');
    expect(seen).toEqual(['renewed-handle']);
  });

  it('notices a saved file without a signal', async () => {
    service.watchForChanges();
    // Editors replace the file rather than writing in place; the folder watch must still see it.
    const replacement = join(dir, 'metronome.yaml.tmp');
    writeFileSync(replacement, readFileSync(file, 'utf8').replace('name: Demo Studio', 'name: Saved Studio'));
    copyFileSync(replacement, file);
    await waitFor(() => service.loaded.config.organisation.name === 'Saved Studio');
  });
});
