import { Field, ObjectType, type ClassType } from 'type-graphql';
import type { KeysetCursors } from './cursor';
import { PageInfo } from './page-info';

/** A page as the reads return it: its rows, and whether more follow. */
export interface Page<Node> {
  nodes: Node[];
  hasNextPage: boolean;
}

export const emptyPage = <Node>(): Page<Node> => ({ nodes: [], hasNextPage: false });

/**
 * The Relay connection of a node type: `nodes`, `edges { cursor node }` and `pageInfo`, named
 * `<name>Edge` and (by the class that extends it) `<name>Connection`. A feature's connection
 * extends it with what its own fields need (the filter a `totalCount` counts, the parent).
 */
export function connectionOf<Node extends object>(nodeType: ClassType, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: Node;
  }

  // Never in the schema itself (nothing returns it): its fields are inherited by the named connection.
  @ObjectType(`${name}ConnectionFields`, { simpleResolvers: true })
  abstract class Connection {
    @Field(() => [nodeType])
    nodes: Node[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    constructor(
      { nodes, hasNextPage }: Page<Node>,
      private readonly cursors: KeysetCursors,
      hasPreviousPage: boolean,
    ) {
      this.nodes = nodes;
      const [first, last] = [nodes[0], nodes.at(-1)];
      this.pageInfo = {
        hasNextPage,
        hasPreviousPage,
        startCursor: first ? cursors.of(first) : null,
        endCursor: last ? cursors.of(last) : null,
      };
    }

    /** Built only when a client selects it: most clients read `nodes`. */
    @Field(() => [Edge])
    get edges(): Edge[] {
      return this.nodes.map((node) => ({ cursor: this.cursors.of(node), node }));
    }
  }
  return Connection;
}
