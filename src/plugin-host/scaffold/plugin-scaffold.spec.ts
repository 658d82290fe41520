import { mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metronomeInstallation } from './metronome-installation';
import { classNameOf, ScaffoldRefusal, scaffoldPlugin } from './plugin-scaffold';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'metronome-scaffold-spec-')), 'plugin');

describe('scaffoldPlugin', () => {
  it('writes every template with each placeholder filled and links node_modules/metronome to the installation', () => {
    const dir = fresh();
    const { files } = scaffoldPlugin({ kind: 'connector', name: 'acme-intranet', dir, build: false });
    expect(files.sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/acme-intranet-errors.ts',
      'src/acme-intranet.connector.ts',
      'src/index.ts',
      'test/acme-intranet.conformance.test.ts',
      'test/acme-intranet.fake.ts',
      'tsconfig.json',
    ]);
    for (const file of files) {
      expect({ file, placeholders: readFileSync(join(dir, file), 'utf8').match(/__[A-Z_]+__/g) }).toEqual({
        file,
        placeholders: null,
      });
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const { root } = metronomeInstallation();
    expect(manifest).toMatchObject({ name: 'acme-intranet', devDependencies: { metronome: `file:${root}` } });
    expect(readFileSync(join(dir, 'src', 'acme-intranet.connector.ts'), 'utf8')).toContain(
      'export class AcmeIntranetConnector implements OneStepConnector',
    );
    expect(readlinkSync(join(dir, 'node_modules', 'metronome'))).toBe(root);
  });

  it.each([
    ['Acme_Intranet', '"Acme_Intranet" is not a plugin name: lowercase letters, digits and dashes'],
    ['-acme', '"-acme" is not a plugin name'],
    ['', '"" is not a plugin name'],
  ])('refuses the name %j', (name, message) => {
    expect(() => scaffoldPlugin({ kind: 'connector', name, dir: fresh(), build: false })).toThrow(message);
  });

  it('refuses an unknown kind, naming the three', () => {
    expect(() => scaffoldPlugin({ kind: 'widget', name: 'x', dir: fresh(), build: false })).toThrow(
      'unknown plugin kind "widget": write one of connector, notifier, report-template',
    );
  });

  it('refuses a folder that is not empty, and leaves it as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-scaffold-spec-'));
    writeFileSync(join(dir, 'index.ts'), 'mine');
    expect(() => scaffoldPlugin({ kind: 'notifier', name: 'pager', dir, build: false })).toThrow(
      ScaffoldRefusal,
    );
    expect(readFileSync(join(dir, 'index.ts'), 'utf8')).toBe('mine');
  });

  it('makes a class name of any plugin name', () => {
    expect(classNameOf('acme-intranet')).toBe('AcmeIntranet');
    expect(classNameOf('x')).toBe('X');
    expect(classNameOf('9gag-feed')).toBe('Plugin9gagFeed');
  });
});
