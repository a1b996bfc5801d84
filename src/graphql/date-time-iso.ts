import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

/**
 * graphql-scalars' DateTimeISO (the scalar type-graphql gives `Date`), with the same name,
 * description and parsing, so the schema is the same; only serialising is done here. Reads hand
 * it the text PostgreSQL already wrote in this very format (connections/entity-rows.ts), which
 * passes through; an entity's Date (a mutation's answer) is written in JavaScript: V8's
 * toISOString costs about 0.3 µs a call.
 */
export const DateTimeISO = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  serialize: (value: unknown) => {
    if (typeof value === 'string' && isIsoInstant(value)) return value;
    return value instanceof Date && !Number.isNaN(value.getTime()) ? formatIso(value) : GraphQLDateTimeISO.serialize(value);
  },
});

/** The shape of "2026-01-02T03:04:05.678Z", checked cheaply: anything else goes to graphql-scalars' own checks. */
function isIsoInstant(text: string): boolean {
  return (
    text.length === 24 && text.charCodeAt(23) === 90 /* Z */ && text.charCodeAt(10) === 84 /* T */ && text.charCodeAt(19) === 46
  ); /* . */
}

const DAY_MS = 86_400_000;
const DIGIT_ZERO = 48;

/**
 * The characters of the date being written. A string built from pieces would allocate a node
 * per piece; one latin1 slice of this buffer allocates the finished string only. Writing never
 * yields, so no two formats interleave.
 */
const scratch = Buffer.from('0000-00-00T00:00:00.000Z', 'latin1');

/** Two decimal digits of 0–99 at `at`. */
function putTwo(at: number, value: number): void {
  const tens = Math.floor(value / 10);
  scratch[at] = DIGIT_ZERO + tens;
  scratch[at + 1] = DIGIT_ZERO + value - tens * 10;
}

/** Exactly what `date.toISOString()` returns ("2026-01-02T03:04:05.678Z"). */
export function formatIso(date: Date): string {
  const time = date.getTime();
  const days = Math.floor(time / DAY_MS);
  // The civil date of a day count (Howard Hinnant's days_from_civil, inverted), without Date's calendar.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  // toISOString writes other years with a sign and six digits.
  if (year < 0 || year > 9999) return date.toISOString();

  const milliseconds = time - days * DAY_MS;
  const century = Math.floor(year / 100);
  putTwo(0, century);
  putTwo(2, year - century * 100);
  putTwo(5, month);
  putTwo(8, day);
  putTwo(11, Math.floor(milliseconds / 3_600_000));
  putTwo(14, Math.floor(milliseconds / 60_000) % 60);
  putTwo(17, Math.floor(milliseconds / 1000) % 60);
  const millis = milliseconds % 1000;
  const hundreds = Math.floor(millis / 100);
  scratch[20] = DIGIT_ZERO + hundreds;
  putTwo(21, millis - hundreds * 100);
  return scratch.toString('latin1');
}
