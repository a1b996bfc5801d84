import { IsString, ValidateBy } from 'class-validator';

const SESSION_TEXT_MAX_LENGTH = 200;

/** A rule with a name of its own: class-validator keeps one message per rule name. */
const rule = (name: string, test: (value: string) => boolean, message: string) =>
  ValidateBy({ name, validator: { validate: (value) => typeof value === 'string' && test(value) } }, { message });

/**
 * A title or a candidate name: 1–200 characters (the same rule as the table's check constraint,
 * counted as PostgreSQL's char_length counts: code points, variation selectors included), not
 * blank, and without NUL, which PostgreSQL text cannot store.
 */
export function IsSessionText(): PropertyDecorator {
  const rules = [
    IsString({ message: '$property must be a string' }),
    rule(
      'sessionTextLength',
      (value) => {
        // Code points, as char_length counts them (a spread would split nothing else).
        const characters = Array.from(value).length;
        return characters >= 1 && characters <= SESSION_TEXT_MAX_LENGTH;
      },
      `$property must be 1 to ${SESSION_TEXT_MAX_LENGTH} characters long`,
    ),
    rule('notBlank', (value) => /\S/.test(value), '$property must not be blank'),
    rule('noNul', (value) => !value.includes('\u0000'), '$property must not contain NUL characters'),
  ];
  return (target, property) => rules.forEach((apply) => apply(target, property));
}
