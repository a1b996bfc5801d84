import { IsString, ValidateBy } from 'class-validator';

/** A rule with a name of its own: class-validator keeps one message per rule name. */
const rule = (name: string, test: (value: string) => boolean, message: string) =>
  ValidateBy({ name, validator: { validate: (value) => typeof value === 'string' && test(value) } }, { message });

export interface TextRules {
  /** The most characters it may hold, as the table's check constraint counts them. */
  max: number;
  /** Free text (notes) may be empty or blank; a name or a title may not. */
  blankAllowed?: boolean;
}

/**
 * A text input: at most `max` characters (and at least 1 unless `blankAllowed`), counted as
 * PostgreSQL's char_length counts them (code points, variation selectors included), the same
 * rule as the table's check constraint; not blank unless `blankAllowed`; and without NUL, which
 * PostgreSQL text cannot store.
 */
export function IsText({ max, blankAllowed = false }: TextRules): PropertyDecorator {
  const min = blankAllowed ? 0 : 1;
  const rules = [
    IsString({ message: '$property must be a string' }),
    rule(
      'textLength',
      (value) => {
        // Code points, as char_length counts them (a spread would split nothing else).
        const characters = Array.from(value).length;
        return characters >= min && characters <= max;
      },
      blankAllowed ? `$property must be at most ${max} characters long` : `$property must be ${min} to ${max} characters long`,
    ),
    ...(blankAllowed ? [] : [rule('notBlank', (value) => /\S/.test(value), '$property must not be blank')]),
    rule('noNul', (value) => !value.includes('\u0000'), '$property must not contain NUL characters'),
  ];
  return (target, property) => rules.forEach((apply) => apply(target, property));
}
