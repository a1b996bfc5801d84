import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from '../graphql/page-info';
import { encodeCursor } from './cursor';
import { InterviewSession } from './interview-session.entity';
import type { InterviewSessionFilter } from './interview-session-filter.input';

@ObjectType()
export class InterviewSessionEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => InterviewSession)
  node!: InterviewSession;
}

@ObjectType({ description: 'A page of sessions, newest first.' })
export class InterviewSessionConnection {
  @Field(() => [InterviewSessionEdge])
  edges!: InterviewSessionEdge[];

  @Field(() => [InterviewSession])
  nodes!: InterviewSession[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Not a field: what `totalCount` counts, resolved only when a client asks for it. */
  filter?: InterviewSessionFilter | null;

  static of(nodes: InterviewSession[], hasNextPage: boolean, hasPreviousPage: boolean, filter?: InterviewSessionFilter | null) {
    const edges = nodes.map((node) => ({ cursor: encodeCursor(node), node }));
    return Object.assign(new InterviewSessionConnection(), {
      edges,
      nodes,
      filter,
      pageInfo: {
        hasNextPage,
        hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    });
  }
}
