import { types, type CustomTypesConfig } from 'pg';

const MINUS = 45;
const DOT = 46;
const COLON = 58;

/**
 * PostgreSQL's text for a timestamptz (DateStyle ISO: "2026-01-02 03:04:05.678+00", the offset
 * being ±HH, ±HH:MM or, for local mean time before time zones, ±HH:MM:SS; years past 9999 and
 * " BC" included) as a Date, read digit by digit: a page of sessions holds a hundred of them,
 * and intermediate strings are what the garbage collector bills.
 */
export function parseTimestamptz(text: string): Date {
  source = text;
  cursor = 0;
  const year = number();
  const month = next();
  const day = next();
  const hour = next();
  const minute = next();
  const second = next();
  let ms = 0;
  // Fractions beyond milliseconds are dropped, as Date drops them.
  if (text.charCodeAt(cursor) === DOT) {
    for (let scale = 100, digit = text.charCodeAt(++cursor) - 48; digit >= 0 && digit <= 9; digit = text.charCodeAt(++cursor) - 48) {
      ms += digit * scale;
      scale /= 10;
    }
  }
  const sign = text.charCodeAt(cursor) === MINUS ? -1 : 1;
  let offsetSeconds = next() * 3600;
  if (text.charCodeAt(cursor) === COLON) offsetSeconds += next() * 60;
  if (text.charCodeAt(cursor) === COLON) offsetSeconds += next();

  const bc = text.endsWith(' BC');
  let utc: number;
  if (year >= 100 && !bc) {
    utc = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(ms));
  } else {
    // Date.UTC reads years 0–99 as 1900–1999; a year 1 BC is year 0.
    const date = new Date(0);
    date.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
    utc = date.setUTCHours(hour, minute, second, Math.floor(ms));
  }
  return new Date(utc - sign * offsetSeconds * 1000);
}

// The parser's position, kept outside it so that a parse allocates nothing but its Date (it never
// yields, so no two parses interleave).
let source = '';
let cursor = 0;

/** The digits at the cursor as a number; the cursor stops at the first non-digit. */
function number(): number {
  let value = 0;
  for (let digit = source.charCodeAt(cursor) - 48; digit >= 0 && digit <= 9; digit = source.charCodeAt(++cursor) - 48)
    value = value * 10 + digit;
  return value;
}

/** Skips one separator, then reads a number. */
function next(): number {
  cursor++;
  return number();
}

/**
 * node-postgres type parsers for reads that skip MikroORM: timestamptz as Date (MikroORM sets the
 * global parser to keep it text, for its own hydration), everything else as node-postgres does.
 */
export const readTypes: CustomTypesConfig = {
  getTypeParser: ((oid: typeof types.builtins.TIMESTAMPTZ, format?: 'text' | 'binary') =>
    oid === types.builtins.TIMESTAMPTZ
      ? parseTimestamptz
      : (types.getTypeParser(oid, format) as unknown)) as CustomTypesConfig['getTypeParser'],
};
