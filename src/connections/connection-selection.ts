import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../graphql/selected-fields';

/** Where a connection's nodes are selected: `nodes { … }` and `edges { node { … } }`. */
const NODE_PATHS = [['nodes'], ['edges', 'node']];
/** What of a connection can be answered without reading its page; any other field needs it. */
const PAGELESS_FIELDS = new Set(['totalCount', '__typename']);
/** The path to the fields selected on the connection itself: its totalCount, its page info, its nodes. */
const CONNECTION_ITSELF = [[]];

/** The fields of the nodes a client selected below a connection field: the columns its page reads. */
export function nodeFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  return selectedFields(info, NODE_PATHS);
}

/** Whether the client asked for more than a total: if not, the page would be read for nothing. */
export function needsPage(info: GraphQLResolveInfo): boolean {
  return [...selectedFields(info, CONNECTION_ITSELF)].some((field) => !PAGELESS_FIELDS.has(field));
}

/** The fields a client selected on a field that returns one node (a lookup, a relation). */
export function ownFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  return selectedFields(info, CONNECTION_ITSELF);
}
