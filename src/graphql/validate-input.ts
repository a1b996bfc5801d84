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
  const failures = await validate(argument, {
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (failures.length === 0) return;
  const messages = failures.flatMap((failure) => Object.values(failure.constraints ?? {}));
  throw new InvalidInputError(messages.join('; '), failures[0]?.property);
};
