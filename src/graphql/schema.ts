import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { InterviewSessionConnectionResolver } from '../interview-sessions/interview-session-connection.resolver';
import { InterviewSessionResolver } from '../interview-sessions/interview-session.resolver';
import { validateInput } from './validate-input';

export function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [InterviewSessionResolver, InterviewSessionConnectionResolver],
    validateFn: validateInput,
  });
}

/** The SDL committed as schema.graphql: sorted, so the file changes only when the API does. */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
