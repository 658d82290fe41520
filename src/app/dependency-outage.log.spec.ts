import { DependencyOutages, isDatabaseUnavailable } from './dependency-outage.log';

describe('DependencyOutages', () => {
  const setup = () => {
    const lines: string[] = [];
    let now = 1000;
    const outages = new DependencyOutages(
      { warn: (message) => lines.push(`WARN ${message}`), log: (message) => lines.push(`INFO ${message}`) },
      () => now,
    );
    return { lines, outages, advance: (ms: number) => (now += ms) };
  };

  it('logs one line when a dependency goes down and one with the duration when it is back', () => {
    const { lines, outages, advance } = setup();
    outages.up('database'); // healthy: nothing to say
    for (let i = 0; i < 318; i++) {
      outages.down(
        'database',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      );
      advance(i === 0 ? 12_300 : 0);
    }
    outages.up('database');
    outages.up('database');

    expect(lines).toEqual([
      'WARN database is down: connect ECONNREFUSED 127.0.0.1:5432 (work that needs it is retried quietly; a line follows when it is back)',
      'INFO database is back after 12.3 s',
    ]);
  });

  it('keeps outages of different dependencies apart, and reports a second outage again', () => {
    const { lines, outages, advance } = setup();
    outages.down('redis', new Error('Connection is closed.'));
    outages.down('database', new Error('Connection terminated unexpectedly'));
    advance(1500);
    outages.up('redis');
    expect(outages.isDown('database')).toBe(true);
    outages.up('database');
    outages.down('redis', new Error('again'));
    advance(500);
    outages.up('redis');

    expect(lines).toEqual([
      'WARN redis is down: Connection is closed. (work that needs it is retried quietly; a line follows when it is back)',
      'WARN database is down: Connection terminated unexpectedly (work that needs it is retried quietly; a line follows when it is back)',
      'INFO redis is back after 1.5 s',
      'INFO database is back after 1.5 s',
      'WARN redis is down: again (work that needs it is retried quietly; a line follows when it is back)',
      'INFO redis is back after 0.5 s',
    ]);
  });

  it('tells an unreachable database from a wrong statement', () => {
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' })),
    ).toBe(false);
    expect(isDatabaseUnavailable('nope')).toBe(false);
  });
});
