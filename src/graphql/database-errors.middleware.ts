import type { MiddlewareFn } from 'type-graphql';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import type { Context } from './context';
import { DatabaseUnavailableError } from './errors';

/**
 * Around every resolver that touches the database: "the database is unavailable" becomes
 * DATABASE_UNAVAILABLE with HTTP 503; every other error passes through untouched.
 */
export const DatabaseErrors: MiddlewareFn<Context> = async (_resolverData, next) => {
  try {
    return await next();
  } catch (error) {
    throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error;
  }
};
