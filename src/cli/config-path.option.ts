import { Option } from 'commander';

/** Every command takes --config; METRONOME_CONFIG and then config/metronome.yaml are the fallbacks. */
export function configOption(): Option {
  return new Option(
    '-c, --config <path>',
    'config file or folder (default: $METRONOME_CONFIG or config/metronome.yaml)',
  );
}

export function resolveConfigPath(flag: string | undefined): string {
  return flag ?? process.env.METRONOME_CONFIG ?? 'config/metronome.yaml';
}
