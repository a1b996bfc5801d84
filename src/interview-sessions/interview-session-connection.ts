import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from '../graphql/page-info';
import { encodeCursor } from './cursor';
import { InterviewSession } from './interview-session.entity';
import type { InterviewSessionFilter } from './interview-session-filter.input';
import type { InterviewSessionData } from './interview-session.reads';

@ObjectType({ simpleResolvers: true })
export class InterviewSessionEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => InterviewSession)
  node!: InterviewSessionData;
}

@ObjectType({ description: 'A page of sessions, newest first.', simpleResolvers: true })
export class InterviewSessionConnection {
  @Field(() => [InterviewSession])
  nodes: InterviewSessionData[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  /** Not a field: what `totalCount` counts, resolved only when a client asks for it. */
  readonly filter: InterviewSessionFilter | null | undefined;

  constructor(nodes: InterviewSessionData[], hasNextPage: boolean, hasPreviousPage: boolean, filter?: InterviewSessionFilter | null) {
    this.nodes = nodes;
    this.filter = filter;
    const [first, last] = [nodes[0], nodes.at(-1)];
    this.pageInfo = {
      hasNextPage,
      hasPreviousPage,
      startCursor: first ? encodeCursor(first) : null,
      endCursor: last ? encodeCursor(last) : null,
    };
  }

  /** Built only when a client selects it: most clients read `nodes`. */
  @Field(() => [InterviewSessionEdge])
  get edges(): InterviewSessionEdge[] {
    return this.nodes.map((node) => ({ cursor: encodeCursor(node), node }));
  }
}
