import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config/config';
import { environmentDescriptions, environmentSchema } from '../src/config/environment';

const ROOT = join(__dirname, '..');
const VARIABLES = Object.keys(environmentDescriptions);
/** Defaults as documented, as text: a variable that is unset by default (or an empty list) has none. */
const DEFAULTS: Record<string, string | undefined> = Object.fromEntries(
  Object.entries(environmentSchema.parse({})).map(([name, value]) => [
    name,
    Array.isArray(value) && value.length === 0 ? undefined : String(value),
  ]),
);

describe('configuration from the environment', () => {
  it('has a documented default for everything when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(4000);
    expect(config.database.url).toBeUndefined();
    expect(config.database.pool).toMatchObject({ min: 5, max: 20, maxLifetimeMs: 1_800_000, prePing: true });
    expect(config.graphql.introspection).toBe(true);
  });

  it('drains for 10 s before a stop in production, not at all in development and tests, unless told', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).http.shutdownDrainDelayMs).toBe(10_000);
    expect(loadConfig({}).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'development' }).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test' }).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'production', SHUTDOWN_DRAIN_DELAY_MS: '0' }).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'development', SHUTDOWN_DRAIN_DELAY_MS: '1500' }).http.shutdownDrainDelayMs).toBe(1_500);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: '-1' })).toThrow(/SHUTDOWN_DRAIN_DELAY_MS must be at least 0/);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: '5s' })).toThrow(/SHUTDOWN_DRAIN_DELAY_MS must be a whole number/);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port).toBe(4000);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a whole number \(got "abc"\)$/],
    [{ DB_POOL_MAX: '2.5' }, /DB_POOL_MAX must be a whole number/],
    [{ DB_POOL_MIN: '30', DB_POOL_MAX: '5' }, /DB_POOL_MIN must not be greater than DB_POOL_MAX/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL .*"loud"/],
    [{ GRAPHQL_INTROSPECTION: 'maybe' }, /GRAPHQL_INTROSPECTION must be true or false/],
    [{ DATABASE_URL: 'mysql://root@localhost/db' }, /DATABASE_URL must be a URL like postgresql:/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL must be a URL like postgresql:/],
  ])('refuses %o with one clear line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a password from a bad DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://app:hunter2@db:5432/x', DB_POOL_MIN: '-1' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/x' })).toThrow(/app:\*\*\*@db/);
  });
});

describe('the documentation of the configuration', () => {
  it('.env.example lists every variable with its default', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(([, name, value]) => [name, value]);
    expect(listed.map(([name]) => name)).toEqual(VARIABLES);
    for (const [name, value] of listed) {
      if (DEFAULTS[name!] !== undefined) expect([name, value]).toEqual([name, DEFAULTS[name!]]);
    }
  });

  it('README.md has a row for every variable with its default', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of VARIABLES) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row).toBeDefined();
      const expectedDefault = DEFAULTS[name] === undefined ? '(unset)' : `\`${DEFAULTS[name]}\``;
      expect(row).toContain(`| ${expectedDefault} |`);
    }
  });
});
