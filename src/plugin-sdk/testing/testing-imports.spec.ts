import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SDK = resolve(__dirname, '..');

/** Every source file of the kit (specs excluded), with the modules it imports. */
function kitImports(): Array<{ file: string; from: string }> {
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
  );
  return files.flatMap((file) =>
    [...readFileSync(join(__dirname, file), 'utf8').matchAll(/\bfrom '([^']+)'/g)].map((match) => ({
      file,
      from: match[1],
    })),
  );
}

describe('the conformance kit’s imports', () => {
  it('reach only the SDK and Node’s built-ins: an author installs nothing else to run it', () => {
    const outside = kitImports().filter(({ file, from }) => {
      if (from.startsWith('node:')) {
        return false;
      }
      const target = resolve(dirname(join(__dirname, file)), from);
      return !from.startsWith('.') || relative(SDK, target).startsWith('..');
    });
    expect(outside).toEqual([]);
    expect(kitImports().length).toBeGreaterThan(10);
  });
});
