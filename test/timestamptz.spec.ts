import { Client } from 'pg';
import { parseTimestamptz } from '../src/database/timestamptz';
import { ifSetUp } from './support/if-set-up';

/**
 * Reads parse timestamptz digit by digit (database/timestamptz.ts). For what PostgreSQL itself
 * writes, in the session time zones a server may meet (offsets in hours, in minutes, and the
 * seconds of local mean time before time zones existed; years before 100, past 9999 and BC), it
 * must give the instant PostgreSQL means, to the millisecond.
 */

const INSTANTS = [
  '2026-11-29 18:23:45.678+00',
  '2026-11-29 18:23:45+00',
  '2026-11-29 18:23:45.6+00',
  '2026-11-29 18:23:45.06+00',
  '2026-11-29 18:23:45.123456+00',
  '0100-01-01 00:00:00+00',
  '0999-12-31 23:59:59.999+00',
  '1969-12-31 23:59:59.123456+00',
  '1970-01-01 00:00:00+00',
  '2000-02-29 12:00:00.5+00',
  '9999-12-31 23:59:59.999+00',
  '0001-01-01 00:00:00+00',
  '0050-06-15 10:00:00+00',
  '0044-03-15 12:00:00+00 BC',
  '0001-01-01 00:00:00+00 BC',
];

let client: Client;
beforeAll(async () => {
  client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
});
afterAll(() => ifSetUp(client)?.end());

describe.each(['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham', 'Europe/Amsterdam'])(
  'timestamptz written in time zone %s',
  (zone) => {
    it('parses to the instant PostgreSQL means, for every kind of value', async () => {
      await client.query(`set time zone '${zone}'`);
      const { rows } = await client.query<{ text: string; epochMs: string }>({
        text: 'select t::text as text, floor(extract(epoch from t) * 1000)::text as "epochMs" from unnest($1::timestamptz[]) as t',
        values: [INSTANTS.map((instant) => instant.replace(' ', 'T'))],
      });
      expect(rows).toHaveLength(INSTANTS.length);
      for (const { text, epochMs } of rows) expect([text, parseTimestamptz(text).getTime()]).toEqual([text, Number(epochMs)]);
    });
  },
);
