import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { PermanentError } from './errors';
import { readMediaFile } from './media-file';

describe('readMediaFile: a connector reads media only inside the content folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-media-'));
  const root = join(dir, 'content');
  const refusal = /is not a readable file inside the content folder/;

  beforeAll(() => {
    mkdirSync(join(root, 'img'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'secret.png'), 'secret');
    writeFileSync(join(root, 'img', 'cup.png'), 'cup');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const item = (path: string) => ({ path: join(root, path), root, mimeType: 'image/png' });

  it('reads a file inside the folder, and one reached through a symlink that stays inside', async () => {
    symlinkSync(join(root, 'img', 'cup.png'), join(root, 'alias.png'));
    expect(Buffer.from(await readMediaFile(item('img/cup.png'))).toString()).toBe('cup');
    expect(Buffer.from(await readMediaFile(item('alias.png'))).toString()).toBe('cup');
  });

  it('refuses a file swapped for a symlink to the outside after import, with the same message as a missing one', async () => {
    writeFileSync(join(root, 'img', 'swap.png'), 'checked at import');
    rmSync(join(root, 'img', 'swap.png'));
    symlinkSync(join(dir, 'outside', 'secret.png'), join(root, 'img', 'swap.png'));
    const swapped = await readMediaFile(item('img/swap.png')).catch((error: unknown) => error);
    const missing = await readMediaFile(item('img/none.png')).catch((error: unknown) => error);
    const escaped = await readMediaFile({
      ...item('x'),
      path: join(root, '..', 'outside', 'secret.png'),
    }).catch((error: unknown) => error);
    for (const error of [swapped, missing, escaped]) {
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toMatch(refusal);
      expect((error as Error).message).not.toContain(dir);
    }
  });

  it('refuses a folder swapped for a symlink, a FIFO without blocking, and reads nothing past the limit', async () => {
    mkdirSync(join(root, 'moved'));
    rmSync(join(root, 'moved'), { recursive: true });
    symlinkSync(join(dir, 'outside'), join(root, 'moved'));
    await expect(readMediaFile(item('moved/secret.png'))).rejects.toThrow(refusal);
    execFileSync('mkfifo', [join(root, 'pipe.png')]);
    await expect(readMediaFile(item('pipe.png'))).rejects.toThrow(refusal);
    await expect(readMediaFile(item('img/cup.png'), 2)).rejects.toThrow(/is 3 bytes; the limit is 2 bytes/);
  });
});
