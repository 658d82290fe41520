import { DEFAULT_DATABASE_URL, maskPassword, parseDatabaseUrl } from './database-url';

describe('parseDatabaseUrl', () => {
  const cwd = '/srv/metronome';

  it('defaults to a SQLite file under data/ when unset or blank', () => {
    expect(DEFAULT_DATABASE_URL).toBe('sqlite:data/metronome.db');
    expect(parseDatabaseUrl(undefined, { cwd })).toEqual({
      dialect: 'sqlite',
      path: '/srv/metronome/data/metronome.db',
    });
    expect(parseDatabaseUrl('  ', { cwd })).toEqual(parseDatabaseUrl(undefined, { cwd }));
  });

  it('resolves relative SQLite paths against the working directory and keeps absolute ones', () => {
    expect(parseDatabaseUrl('sqlite:./db/app.sqlite', { cwd })).toEqual({
      dialect: 'sqlite',
      path: '/srv/metronome/db/app.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:/var/lib/metronome.db', { cwd })).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/metronome.db',
    });
  });

  it('accepts an in-memory SQLite database', () => {
    expect(parseDatabaseUrl('sqlite::memory:', { cwd })).toEqual({ dialect: 'sqlite', path: ':memory:' });
  });

  it.each(['postgres://app:secret@db:5432/metronome', 'postgresql://db/metronome?sslmode=require'])(
    'accepts %s',
    (url) => {
      expect(parseDatabaseUrl(url)).toEqual({ dialect: 'postgres', url });
    },
  );

  it('rejects other schemes naming the variable, the masked value and the accepted forms', () => {
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/metronome')).toThrow(
      /^DATABASE_URL="mysql:\/\/root:\*\*\*@db\/metronome" is not a supported database URL: use sqlite:PATH .*sqlite::memory:.*postgres:\/\//,
    );
  });

  it('never echoes a password, even from a malformed postgres URL', () => {
    let message = '';
    try {
      parseDatabaseUrl('postgres://app:hunter2@/', { variableName: 'METRONOME_TEST_DATABASE_URL' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^METRONOME_TEST_DATABASE_URL="postgres:\/\/app:\*\*\*@\/" is not a valid PostgreSQL URL/,
    );
    expect(message).not.toContain('hunter2');
  });

  it.each(['sqlite:', 'sqlite://data.db', 'file:data.db', 'data/metronome.db'])('rejects %s', (value) => {
    expect(() => parseDatabaseUrl(value)).toThrow(/^DATABASE_URL=".*" .*: use sqlite:PATH/);
  });
});

describe('maskPassword', () => {
  it('masks only the password', () => {
    expect(maskPassword('postgres://app:p%40ss@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(maskPassword('postgres://app@db/x')).toBe('postgres://app@db/x');
    expect(maskPassword('postgres://app:p@ss@db/x')).toBe('postgres://app:***@db/x');
  });
});
