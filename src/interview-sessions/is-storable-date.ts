import { IsOptional, MaxDate, MinDate } from 'class-validator';

/**
 * DateTimeISO accepts years PostgreSQL cannot store as timestamptz (year 0, or beyond 9999 as
 * JavaScript writes them): such a date is the client's mistake, not a database error.
 * Absent or null passes: every date of this API is optional.
 */
export function IsStorableDate(): PropertyDecorator {
  const rules = [
    IsOptional(),
    MinDate(new Date('0001-01-01T00:00:00.000Z'), { message: '$property must be in the years 0001 to 9999' }),
    MaxDate(new Date('9999-12-31T23:59:59.999Z'), { message: '$property must be in the years 0001 to 9999' }),
  ];
  return (target, property) => rules.forEach((rule) => rule(target, property));
}
