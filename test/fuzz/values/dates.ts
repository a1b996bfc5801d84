import type { Rng } from '../rng';
import { hostileString } from './strings';
import type { Sample, Validity } from './validity';

/**
 * DateTimeISO inputs. `valid`: true = a date the API must accept, false = one it must reject
 * (BAD_USER_INPUT or a validation error), 'edge' = either is fine, but it must be one of them.
 */
const DATES: readonly Sample[] = [
  { value: '2030-01-02T10:00:00Z', valid: true },
  { value: '2030-01-02T10:00:00.123Z', valid: true },
  { value: '2030-01-02T10:00:00+05:30', valid: true },
  { value: '2030-01-02T10:00:00.123456789-11:59', valid: true },
  { value: '2024-02-29T00:00:00z', valid: true },
  { value: '1970-01-01T00:00:00Z', valid: true },
  { value: '9999-12-31T23:59:59.999Z', valid: true },
  { value: '0001-01-01T00:00:00Z', valid: true },
  // Year 0 (1 BC) passes the scalar; PostgreSQL has no year 0 in ISO form.
  { value: '0000-01-01T00:00:00Z', valid: 'edge' },
  { value: '0000-06-15T12:00:00Z', valid: 'edge' },
  { value: '0001-01-01T00:30:00+01:00', valid: 'edge' },
  { value: 'next tuesday', valid: false },
  { value: '', valid: false },
  { value: '2024-02-30T00:00:00Z', valid: false },
  { value: '2023-02-29T00:00:00Z', valid: false },
  { value: '2024-01-01', valid: false },
  { value: '2024-01-01T25:00:00Z', valid: false },
  { value: '2024-01-01T00:00:60Z', valid: false },
  { value: '2024-01-01T00:00:00', valid: false },
  { value: '2024-01-01 00:00:00Z', valid: false },
  { value: '10000-01-01T00:00:00Z', valid: false },
  { value: '+275760-09-13T00:00:00.000Z', valid: false },
  { value: '-000001-01-01T00:00:00.000Z', valid: false },
  { value: '2024-01-01T00:00:00|01:00', valid: false },
  { value: "2024-01-01T00:00:00Z'; drop table interview_session; --", valid: false },
  { value: "1' or '1'='1", valid: false },
  { value: '2024-01-01T00:00:00\u0000Z', valid: false },
  { value: 1_700_000_000, valid: false },
  { value: 1_700_000_000_000, valid: false },
  { value: true, valid: false },
  { value: [], valid: false },
  { value: {}, valid: false },
];

/** The dates the API must accept. */
export const VALID_DATES: readonly Sample[] = DATES.filter((sample) => sample.valid === true);

/** Whether the API must accept `value` as scheduledAt: null clears it; a date from DATES says itself; anything else is invalid. */
export function scheduledAtValidity(value: unknown): Validity {
  return value === null ? true : (DATES.find((sample) => sample.value === value)?.valid ?? false);
}

/** A date argument: mostly from DATES, sometimes a hostile string. */
export function dateSample(rng: Rng): Sample {
  return rng.chance(0.85) ? rng.pick(DATES) : { value: hostileString(rng), valid: false };
}
