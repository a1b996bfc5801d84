import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

type Paths = readonly (readonly string[])[];

/**
 * Selections by the field node they start from, then by the paths followed (as text: callers
 * may pass a fresh array each time). Apollo keeps parsed documents, so every request with the
 * same document reaches a resolver with the same nodes: the walk happens once per document.
 */
const walked = new WeakMap<FieldNode, Map<string, ReadonlySet<string>>>();

/**
 * The names of the fields a client selected below the current field, following `paths`
 * (e.g. ['nodes'] and ['edges', 'node'] of a connection), through fragments and inline
 * fragments. Lets a resolver read only the columns the query asks for. The set is shared by
 * every request of the same document: read it, never change it.
 */
export function selectedFields(info: GraphQLResolveInfo, paths: Paths): ReadonlySet<string> {
  const [node] = info.fieldNodes;
  if (!node) return new Set();
  // Several nodes (the same field selected twice, merged): the first one alone does not tell the
  // selection; another operation of the document may start from that node with different siblings.
  if (info.fieldNodes.length > 1) return walk(info, paths);
  let byPaths = walked.get(node);
  if (!byPaths) walked.set(node, (byPaths = new Map<string, ReadonlySet<string>>()));
  const key = paths.map((path) => path.join('.')).join('|');
  let selected = byPaths.get(key);
  if (!selected) byPaths.set(key, (selected = walk(info, paths)));
  return selected;
}

function walk(info: GraphQLResolveInfo, paths: Paths): Set<string> {
  const selected = new Set<string>();
  const roots = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const path of paths) {
    let sets = roots;
    for (const name of path) sets = sets.flatMap((set) => childSelectionSets(set, name, info));
    for (const set of sets) forEachField(set, info, (fieldName) => selected.add(fieldName));
  }
  return selected;
}

function childSelectionSets(set: SelectionSetNode, name: string, info: GraphQLResolveInfo): SelectionSetNode[] {
  const children: SelectionSetNode[] = [];
  forEachField(set, info, (fieldName, child) => {
    if (fieldName === name && child) children.push(child);
  });
  return children;
}

function forEachField(
  set: SelectionSetNode,
  info: GraphQLResolveInfo,
  visit: (fieldName: string, selectionSet?: SelectionSetNode) => void,
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) visit(selection.name.value, selection.selectionSet);
    else if (selection.kind === Kind.INLINE_FRAGMENT) forEachField(selection.selectionSet, info, visit);
    else {
      const fragment = info.fragments[selection.name.value];
      if (fragment) forEachField(fragment.selectionSet, info, visit);
    }
  }
}
