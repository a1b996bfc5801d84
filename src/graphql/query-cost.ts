import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { AGGREGATES_OVER_INDEX, COUNTS_ROWS } from './cost-annotations';

/** What an aggregate over an index costs (AGGREGATES_OVER_INDEX): a page of ten scalars, about what it reads. */
const INDEX_AGGREGATE_COST = 10;

export interface CostModel {
  maxCost: number;
  countCost: number;
}

/**
 * The price of a selection set before the size of the page it is read in is known:
 * `fixed + perItem × pageSize`. Fields of a list type (`nodes`, `edges`) are read once per item of
 * the page; every other field once. Being linear, it can be computed once per fragment and reused
 * at every spread, whatever the page around that spread.
 */
interface SelectionCost {
  fixed: number;
  perItem: number;
}

const NOTHING: SelectionCost = { fixed: 0, perItem: 0 };

/** Thrown inside the walk as soon as the cost is known to pass the limit: the rest is not priced. */
class OverLimit extends Error {
  constructor(readonly atLeast: number) {
    super(`the cost is at least ${atLeast}`);
  }
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
 *   page query reads a few index entries, a count reads every row that matches;
 * - a field computed by an aggregate over an index (AGGREGATES_OVER_INDEX) adds
 *   INDEX_AGGREGATE_COST, where it is selected: inside a page, once per item of the page.
 *
 * Pages inside pages multiply: a field's cost, its page's included, is paid once per item of the
 * page around it, so 50 sessions × 20 feedback each are 1,000 feedback nodes.
 *
 * Fragments are priced where they are spread; introspection is priced like any field.
 *
 * The walk is linear in the size of the document: each fragment is priced once however often it
 * is spread, by however many of the document's operations (a document whose fragments each spread the next one twice would otherwise take 2^n
 * steps), and the walk stops as soon as the cost passes `ceiling`. Every part of a document adds
 * to its total (costs are never negative, page sizes at least 1), so once one part is over the
 * ceiling, the whole is.
 */
export class DocumentCost {
  private readonly fragmentCosts = new Map<string, SelectionCost>();
  private readonly pricing = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: (name: string) => FragmentDefinitionNode | null | undefined,
    private readonly countCost: number,
    private readonly ceiling = Infinity,
  ) {}

  /** The operation's cost; or, when it passes the ceiling, `{ atLeast }`: a part already over it. */
  of(operation: OperationDefinitionNode): number | { atLeast: number } {
    const root = this.schema.getRootType(operation.operation);
    if (!root) return 0;
    // A walk stopped over the ceiling leaves the fragments it was in the middle of.
    this.pricing.clear();
    try {
      return this.total(this.selectionCost(operation.selectionSet, root), 1);
    } catch (error) {
      if (error instanceof OverLimit) return { atLeast: error.atLeast };
      throw error;
    }
  }

  private total({ fixed, perItem }: SelectionCost, pageSize: number): number {
    const cost = fixed + perItem * pageSize;
    if (cost > this.ceiling) throw new OverLimit(cost);
    return cost;
  }

  private selectionCost(selectionSet: SelectionSetNode, parent: GraphQLNamedType): SelectionCost {
    let fixed = 0;
    let perItem = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = this.fieldOf(parent, selection);
        const cost = this.fieldCost(selection, field);
        if (field && isListType(nullable(field.type))) perItem += cost;
        else fixed += cost;
      } else {
        const part =
          selection.kind === Kind.INLINE_FRAGMENT
            ? this.typedSelectionCost(
                selection.selectionSet,
                selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent,
              )
            : this.fragmentCost(selection.name.value);
        fixed += part.fixed;
        perItem += part.perItem;
      }
      // Priced at the smallest page it can be read in: already past the limit, the whole is.
      this.total({ fixed, perItem }, 1);
    }
    return { fixed, perItem };
  }

  /** A fragment's selection, on the type it names (an unknown type is another rule's to report). */
  private typedSelectionCost(selectionSet: SelectionSetNode, type: GraphQLNamedType | null | undefined): SelectionCost {
    return type ? this.selectionCost(selectionSet, type) : NOTHING;
  }

  private fragmentCost(name: string): SelectionCost {
    const known = this.fragmentCosts.get(name);
    if (known) return known;
    const fragment = this.fragments(name);
    // An unknown fragment, or one that spreads itself, is another rule's to report.
    if (!fragment || this.pricing.has(name)) return NOTHING;
    this.pricing.add(name);
    const cost = this.typedSelectionCost(fragment.selectionSet, this.schema.getType(fragment.typeCondition.name.value));
    this.pricing.delete(name);
    this.fragmentCosts.set(name, cost);
    return cost;
  }

  private fieldCost(node: FieldNode, field: GraphQLField<unknown, unknown> | undefined): number {
    const counts = this.readCost(field);
    if (!node.selectionSet) return 1 + counts;
    const type = field && getNamedType(field.type);
    const children = type && isCompositeType(type) ? this.total(this.selectionCost(node.selectionSet, type), pageSizeOf(node, field)) : 0;
    return this.total({ fixed: 2 + counts + children, perItem: 0 }, 1);
  }

  /** What the field makes the database read beyond its page: a count, an aggregate over an index, or nothing. */
  private readCost(field: GraphQLField<unknown, unknown> | undefined): number {
    const cost = field?.extensions.cost;
    if (cost === COUNTS_ROWS.cost) return this.countCost;
    return cost === AGGREGATES_OVER_INDEX.cost ? INDEX_AGGREGATE_COST : 0;
  }

  private fieldOf(parent: GraphQLNamedType, node: FieldNode): GraphQLField<unknown, unknown> | undefined {
    const name = node.name.value;
    if (name === '__typename') return TypeNameMetaFieldDef;
    if (name === '__schema' && parent === this.schema.getQueryType()) return SchemaMetaFieldDef;
    if (name === '__type' && parent === this.schema.getQueryType()) return TypeMetaFieldDef;
    // An unknown field is another rule's to report.
    return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  }
}

/**
 * The page size a field may ask for: its literal `first` (at most its largest page); for a
 * variable, the largest page; when `first` is not given, that argument's default; else 1.
 */
function pageSizeOf(node: FieldNode, field: GraphQLField<unknown, unknown> | undefined): number {
  const argument = field?.args.find((candidate) => candidate.name === 'first');
  if (!argument) return 1;
  const largest = field?.extensions.largestPage;
  const given = node.arguments?.find((candidate) => candidate.name.value === 'first');
  let size: unknown = argument.defaultValue;
  if (given?.value.kind === Kind.VARIABLE) size = largest ?? argument.defaultValue;
  else if (given) size = valueFromAST(given.value, argument.type) ?? argument.defaultValue;
  if (typeof size !== 'number' || size < 1) return 1;
  return typeof largest === 'number' ? Math.min(size, largest) : size;
}

function nullable(type: GraphQLOutputType): GraphQLOutputType {
  return isNonNullType(type) ? type.ofType : type;
}
