import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '../../src/config/config.loader';

function configWith(handle: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-secrets-'));
  writeFileSync(join(dir, 'handle.txt'), 'from-file\n');
  writeFileSync(
    join(dir, 'metronome.yaml'),
    [
      'organisation: { name: Acme }',
      'people: { ana: { name: Ana } }',
      'brands:',
      '  acme:',
      '    name: Acme',
      '    timezone: UTC',
      '    owner: ana',
      '    channels:',
      `      main: { connector: sandbox, options: { handle: "${handle}" } }`,
    ].join('\n'),
  );
  return dir;
}

describe('secret references', () => {
  it('resolves ${env:…} and ${file:…} without putting the value in the revision hash', async () => {
    const dir = configWith('${env:ACME_HANDLE}');
    const first = await loadConfiguration(dir, { env: { ACME_HANDLE: 'acme-one' } });
    const second = await loadConfiguration(dir, { env: { ACME_HANDLE: 'acme-two' } });
    if (!first.ok || !second.ok) {
      throw new Error('expected a valid config');
    }
    expect(first.loaded.config.brands.acme.channels.main.options).toEqual({ handle: 'acme-one' });
    expect(first.loaded.secrets.has('acme-one')).toBe(true);
    expect(first.loaded.revisionHash).toBe(second.loaded.revisionHash);

    const fromFile = await loadConfiguration(configWith('${file:handle.txt}'), { env: {} });
    expect(fromFile.ok && fromFile.loaded.config.brands.acme.channels.main.options).toEqual({
      handle: 'from-file',
    });
  });

  it('names the file and field of an unreadable secret file', async () => {
    const result = await loadConfiguration(configWith('${file:missing.txt}'), { env: {} });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]).toMatchObject({
      line: 9,
      path: ['brands', 'acme', 'channels', 'main', 'options', 'handle'],
      message: expect.stringContaining('cannot read secret file "missing.txt" (ENOENT)'),
    });
  });
});
