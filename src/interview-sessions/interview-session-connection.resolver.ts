import { Ctx, Extensions, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { COUNTS_ROWS } from '../graphql/cost-annotations';
import type { Context } from '../graphql/context';
import { InterviewSessionReads } from './interview-session.reads';
import { InterviewSessionConnection } from './interview-session-connection';

@Resolver(() => InterviewSessionConnection)
export class InterviewSessionConnectionResolver {
  /** A count over the whole filter is the expensive part of a page: it runs only when asked for. */
  @FieldResolver(() => Int, { description: 'sessions matching the filter, on all pages' })
  @Extensions(COUNTS_ROWS)
  totalCount(@Root() connection: InterviewSessionConnection, @Ctx() { db }: Context): Promise<number> {
    return new InterviewSessionReads(db).countMatching(connection.filter);
  }
}
