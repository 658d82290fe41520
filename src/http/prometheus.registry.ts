import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** One registry per application instance, so tests that boot several apps do not collide. */
export function createPrometheusRegistry(version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'metronome_' });
  new Gauge({
    name: 'metronome_info',
    help: 'Metronome build information',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version }, 1);
  return registry;
}

export const PROMETHEUS_REGISTRY = Symbol('PROMETHEUS_REGISTRY');
