import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The names of the fields a client selected below the current field, following `paths`
 * (e.g. ['nodes'] and ['edges', 'node'] of a connection), through fragments and inline
 * fragments. Lets a resolver read only the columns the query asks for.
 */
export function selectedFields(info: GraphQLResolveInfo, paths: readonly (readonly string[])[]): Set<string> {
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
