import type { GraphQLResolveInfo } from 'graphql';
import { emptyPage, type Page } from './connection';
import { needsPage, nodeFields } from './connection-selection';
import type { KeysetCursors } from './cursor';
import type { PageRequest } from './keyset-page';
import { pageSize, type PageSizes } from './page-arguments';

/** A connection field's paging arguments, as the resolver receives them. */
export interface PageArguments {
  first?: number | null;
  after?: string | null;
}

/**
 * The page a connection field's arguments ask for: `first` checked against the sizes, `after`
 * decoded as one of `cursors` (BAD_USER_INPUT when it is not), both before anything is read. The
 * page is read only when the client selected more than the total.
 */
export async function requestedPage<Node>(
  info: GraphQLResolveInfo,
  { first, after }: PageArguments,
  sizes: PageSizes,
  cursors: KeysetCursors,
  read: (request: PageRequest) => Promise<Page<Node>>,
): Promise<{ page: Page<Node>; hasPreviousPage: boolean }> {
  const size = pageSize(first, sizes);
  const position = after == null ? undefined : cursors.decode(after);
  const page = needsPage(info) ? await read({ first: size, after: position, fields: nodeFields(info) }) : emptyPage<Node>();
  return { page, hasPreviousPage: position !== undefined };
}
