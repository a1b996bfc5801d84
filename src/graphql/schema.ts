import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import { DateTimeISO } from './date-time-iso';
import { validateInput } from './validate-input';

/**
 * The executable schema from the feature modules' resolvers (src/modules.ts). `@Authorized(scope)`
 * on a resolver is checked by authChecker; fields without it have no check, and no middleware.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own type for resolver classes
export function buildApiSchema(resolvers: NonEmptyArray<Function>): Promise<GraphQLSchema> {
  return buildSchema({ resolvers, validateFn: validateInput, scalarsMap: [{ type: Date, scalar: DateTimeISO }], authChecker });
}

/** The SDL committed as schema.graphql: sorted, so the file changes only when the API does. */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
