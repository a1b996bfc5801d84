import { DateTimeISO, formatIso } from '../../src/graphql/date-time-iso';

/** The API's dates are written by formatIso (graphql/date-time-iso.ts): exactly as toISOString writes them. */

const EDGES = [
  '0000-01-01T00:00:00.000Z',
  '0001-01-01T00:00:00.000Z',
  '0099-12-31T23:59:59.999Z',
  '1899-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
  '2000-02-29T12:00:00.000Z',
  '2100-03-01T00:00:00.001Z',
  '2026-11-29T18:23:45.678Z',
  '9999-12-31T23:59:59.999Z',
  '+010000-01-01T00:00:00.000Z',
  '-000001-12-31T23:59:59.999Z',
];

describe('formatIso', () => {
  it.each(EDGES)('writes %s as toISOString does', (iso) => {
    const date = new Date(iso);
    expect(formatIso(date)).toBe(date.toISOString());
  });

  it('agrees with toISOString on 100,000 instants spread over the years 0000–9999', () => {
    const span = Date.UTC(9999, 11, 31) - Date.UTC(0, 0, 1);
    for (let i = 0; i < 100_000; i++) {
      // A fixed walk instead of randomness: the same instants every run.
      const date = new Date(Date.UTC(0, 0, 1) + Math.floor(((i * 0.6180339887) % 1) * span));
      if (formatIso(date) !== date.toISOString()) expect(formatIso(date)).toBe(date.toISOString());
    }
  });
});

describe('the DateTimeISO scalar', () => {
  it('serialises Dates with formatIso, and everything else as graphql-scalars does', () => {
    expect(DateTimeISO.serialize(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678Z');
    expect(DateTimeISO.serialize('2026-01-02T03:04:05.678Z')).toBe('2026-01-02T03:04:05.678Z');
    expect(() => DateTimeISO.serialize(new Date(Number.NaN))).toThrow(/invalid Date/);
  });
});
