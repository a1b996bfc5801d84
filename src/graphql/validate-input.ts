import { validate } from 'class-validator';
import type { ValidatorFn } from 'type-graphql';
import { InvalidInputError } from '../domain/domain-error';

/**
 * type-graphql's `validateFn`: runs the class-validator rules of an input class and turns the
 * failures into one BAD_USER_INPUT error that says precisely what is wrong, without echoing
 * the input object back the way type-graphql's default error does.
 */
export const validateInput: ValidatorFn = async (argument: unknown) => {
  if (argument === null || typeof argument !== 'object') return;
  const malformed = illFormedText(argument);
  if (malformed !== undefined)
    throw new InvalidInputError(`${malformed} must be well-formed Unicode text (no unpaired surrogates)`, malformed);
  const failures = await validate(argument, {
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (failures.length === 0) return;
  const messages = failures.flatMap((failure) => Object.values(failure.constraints ?? {}));
  throw new InvalidInputError(messages.join('; '), failures[0]?.property);
};

/**
 * The property of an input object (or of one nested in it) holding a string with an unpaired
 * surrogate (JSON's "\ud800" escape allows one), if any. PostgreSQL would store U+FFFD in its
 * place while the mutation's answer echoed the original: refused instead, for every text input.
 */
/** In a `u` regular expression a surrogate pair is one code point: only an unpaired surrogate is of category Cs. */
const UNPAIRED_SURROGATE = /\p{Cs}/u;

function illFormedText(input: object): string | undefined {
  for (const [property, value] of Object.entries(input)) {
    if (typeof value === 'string' && UNPAIRED_SURROGATE.test(value)) return property;
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      const nested = illFormedText(value as object);
      if (nested !== undefined) return `${property}.${nested}`;
    }
  }
  return undefined;
}
