import type { MiddlewareFn } from 'type-graphql';
import { isDatabaseUnavailable } from '../database/database-problem';
import { isRejectedInput } from '../database/rejected-input';
import type { Context } from './context';
import { BadUserInputError, DatabaseUnavailableError } from './errors';

/**
 * Around every resolver that touches the database, database failures become client errors:
 * "the database is unavailable" is DATABASE_UNAVAILABLE with HTTP 503, and values PostgreSQL
 * refused are BAD_USER_INPUT. Every other error passes through untouched.
 */
export const DatabaseErrors: MiddlewareFn<Context> = async (_resolverData, next) => {
  try {
    return await next();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError(error);
    if (isRejectedInput(error)) throw new BadUserInputError('The input breaks a rule of the stored data', undefined, error);
    throw error;
  }
};
