import { readFileSync } from 'node:fs';
import { minVersion, satisfies, validRange } from 'semver';

interface LockedPackage {
  version?: string;
  engines?: { node?: string };
  dev?: boolean;
}

/**
 * `npm ci` on every Node line package.json declares must not warn EBADENGINE: a dependency that needs a
 * newer Node than Metronome says it supports breaks that promise (nestjs-pino 5 and file-type 22 wanted
 * Node 22 while the README said 20.19+).
 */
describe('supported Node versions', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  // The lowest version of each line the range allows: "^20.19.0 || ^22.13.0 || >=24.11.0" → 20.19.0, 22.13.0, 24.11.0.
  const lowest = manifest.engines.node
    .split('||')
    .map((part) => minVersion(part.trim())?.version)
    .filter((version): version is string => version !== undefined);

  it('declares the Node lines it supports', () => {
    expect(validRange(manifest.engines.node)).not.toBeNull();
    expect(lowest).toEqual(['20.19.0', '22.13.0', '24.11.0']);
  });

  it('every locked dependency runs on the oldest version of each supported line', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, pkg]) => path !== '' && pkg.engines?.node && validRange(pkg.engines.node))
      .flatMap(([path, pkg]) =>
        lowest
          .filter((version) => !satisfies(version, pkg.engines!.node!))
          .map(
            (version) =>
              `${path.replace(/^.*node_modules\//, '')}@${pkg.version} needs Node ${pkg.engines!.node} (not ${version})`,
          ),
      );
    expect(refusing).toEqual([]);
  });
});
