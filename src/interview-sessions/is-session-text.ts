import { IsString, Length, Matches } from 'class-validator';

export const SESSION_TEXT_MAX_LENGTH = 200;

/**
 * A title or a candidate name: 1–200 characters (the same rule as the table's check constraint),
 * not blank, and without NUL, which PostgreSQL text cannot store.
 */
export function IsSessionText(): PropertyDecorator {
  const rules = [
    IsString({ message: '$property must be a string' }),
    Length(1, SESSION_TEXT_MAX_LENGTH, { message: `$property must be 1 to ${SESSION_TEXT_MAX_LENGTH} characters long` }),
    Matches(/\S/, { message: '$property must not be blank' }),
    Matches(/^[^\u0000]*$/, { message: '$property must not contain NUL characters' }),
  ];
  return (target, property) => rules.forEach((rule) => rule(target, property));
}
