import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  isNonNullType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  valueFromAST,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * A field that makes the database count rows (a scan): `@Extensions(COUNTS_ROWS)` on it adds
 * GRAPHQL_COUNT_COST to every document that selects it.
 */
export const COUNTS_ROWS = { cost: 'count' } as const;

/**
 * A field paged by `first`, up to `largest` items: `@Extensions(pagedUpTo(100))` on it. A `first`
 * that comes from a variable is priced at `largest`, the most it may ask for.
 */
export const pagedUpTo = (largest: number) => ({ largestPage: largest }) as const;

export interface CostModel {
  maxCost: number;
  countCost: number;
}

/**
 * What a document makes the server and the database do, priced before it runs:
 *
 * - 1 per scalar field, 2 per object field (it has a selection of its own);
 * - a field with a page size (`first`) pays the cost of its list fields (`nodes`, `edges`) once
 *   per item of the page: the literal value, the argument's default when `first` is not given,
 *   and the largest page (pagedUpTo) when it comes from a variable: its value is unknown at
 *   validation, which runs once per document;
 * - a field that counts rows (COUNTS_ROWS) adds GRAPHQL_COUNT_COST, where it is selected: a
 *   page query reads a few index entries, a count reads every row that matches.
 *
 * Fragments are priced where they are spread; introspection is priced like any field.
 */
export function queryCostRule(model: CostModel, reject: (context: ValidationContext, cost: number) => void): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const cost = selectionCost(context, model, operation.selectionSet, root, new Set());
      if (cost > model.maxCost) reject(context, cost);
    },
  });
}

function selectionCost(
  context: ValidationContext,
  model: CostModel,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  spreading: Set<string>,
  pageSize = 1,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = fieldOf(context, parent, selection);
      const perItem = field && isListType(nullable(field.type)) ? pageSize : 1;
      cost += perItem * fieldCost(context, model, selection, field, spreading);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) : parent;
      if (type) cost += selectionCost(context, model, selection.selectionSet, type, spreading, pageSize);
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      // A fragment that spreads itself is another rule's to report; here it is priced once.
      if (!fragment || spreading.has(name)) continue;
      const type = context.getSchema().getType(fragment.typeCondition.name.value);
      if (!type) continue;
      spreading.add(name);
      cost += selectionCost(context, model, fragment.selectionSet, type, spreading, pageSize);
      spreading.delete(name);
    }
  }
  return cost;
}

function fieldCost(
  context: ValidationContext,
  model: CostModel,
  node: FieldNode,
  field: GraphQLField<unknown, unknown> | undefined,
  spreading: Set<string>,
): number {
  const counts = field?.extensions.cost === COUNTS_ROWS.cost ? model.countCost : 0;
  if (!node.selectionSet) return 1 + counts;
  const type = field && getNamedType(field.type);
  const children =
    type && isCompositeType(type) ? selectionCost(context, model, node.selectionSet, type, spreading, pageSizeOf(node, field)) : 0;
  return 2 + counts + children;
}

/**
 * The page size a field may ask for: its literal `first`; for a variable, the largest page; when
 * `first` is not given, that argument's default; else 1.
 */
function pageSizeOf(node: FieldNode, field: GraphQLField<unknown, unknown> | undefined): number {
  const argument = field?.args.find((candidate) => candidate.name === 'first');
  if (!argument) return 1;
  const given = node.arguments?.find((candidate) => candidate.name.value === 'first');
  let size: unknown = argument.defaultValue;
  if (given?.value.kind === Kind.VARIABLE) size = field?.extensions.largestPage ?? argument.defaultValue;
  else if (given) size = valueFromAST(given.value, argument.type) ?? argument.defaultValue;
  return typeof size === 'number' && size > 1 ? size : 1;
}

function fieldOf(context: ValidationContext, parent: GraphQLNamedType, node: FieldNode): GraphQLField<unknown, unknown> | undefined {
  const name = node.name.value;
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (name === '__schema' && parent === context.getSchema().getQueryType()) return SchemaMetaFieldDef;
  if (name === '__type' && parent === context.getSchema().getQueryType()) return TypeMetaFieldDef;
  // An unknown field is another rule's to report.
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function nullable(type: GraphQLOutputType): GraphQLOutputType {
  return isNonNullType(type) ? type.ofType : type;
}
