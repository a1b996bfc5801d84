import type { Rng } from './rng';
import { hasLoneSurrogate } from './values/strings';

/**
 * GraphQL documents: values as literals, and operations whose arguments go as variables or
 * literals — or, for the argument under attack, in every way a client could get it wrong.
 */

/** A JavaScript value as a GraphQL input literal (`enumKeys` print as bare enum values). */
export function literal(value: unknown, enumKeys: ReadonlySet<string> = new Set()): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return enumKeys.has(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, enumKeys)).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${key}: ${literal(item, key === 'status' ? STATUS_KEYS : enumKeys)}`)
    .join(', ')}}`;
}

export const STATUS_KEYS: ReadonlySet<string> = new Set(['SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED']);

export const ORDER_KEYS: ReadonlySet<string> = new Set([
  'CREATED_AT_DESC',
  'CREATED_AT_ASC',
  'SCHEDULED_AT_ASC',
  'SCHEDULED_AT_DESC',
  'UPDATED_AT_DESC',
]);

/** Arguments whose values are enum values, printed bare in a literal. */
const ENUM_ARGUMENTS: Readonly<Record<string, ReadonlySet<string>>> = { status: STATUS_KEYS, orderBy: ORDER_KEYS };

export const SESSION_FIELDS = 'id title candidateName status scheduledAt startedAt completedAt createdAt updatedAt';

/** Read-only documents for the cases that attack the HTTP layer rather than the arguments. */
export const READ_QUERIES = [
  '{ __typename }',
  `{ interviewSessions(first: 3) { totalCount nodes { ${SESSION_FIELDS} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
  '{ interviewSessions(filter: { status: SCHEDULED }) { edges { cursor node { id status } } } }',
  '{ interviewSession(id: "00000000-0000-0000-0000-000000000000") { id } }',
  'query Named { __typename }',
];

/**
 * How an argument reaches the server: as a variable, as a literal, as a literal object with one
 * field as a variable; or wrongly: a variable declared with the wrong type, used undeclared, or
 * declared but not given.
 */
export type Delivery = 'vars' | 'inline' | 'fieldVar' | 'wrongDecl' | 'undeclared' | 'missing';

/** An argument of an operation: its declared type and its value. */
export interface ArgSpec {
  type: string;
  value: unknown;
  /** Leave the argument out of the document entirely. */
  omit?: boolean;
}

/** The argument (or the field of an input object) a case attacks, and how it is delivered. */
export interface ArgTarget {
  arg: string;
  field?: string;
  delivery: Delivery;
}

/**
 * One operation with its arguments: the hostile one delivered as `delivery` says, the others as
 * variables or literals at random. Returns the document and the variables.
 */
export function operation(
  rng: Rng,
  kind: 'query' | 'mutation',
  field: string,
  args: Record<string, ArgSpec>,
  selection: string,
  target?: ArgTarget,
): { query: string; variables: Record<string, unknown> } {
  const declarations: string[] = [];
  const variables: Record<string, unknown> = {};
  const passed: string[] = [];
  for (const [name, spec] of Object.entries(args)) {
    if (spec.omit) continue;
    const isTarget = target?.arg === name;
    const mode: Delivery = isTarget ? target.delivery : rng.chance(0.5) ? 'vars' : 'inline';
    const variable = `$${name}`;
    switch (mode) {
      case 'vars':
        declarations.push(`${variable}: ${spec.type}`);
        variables[name] = spec.value;
        passed.push(`${name}: ${variable}`);
        break;
      case 'inline':
        passed.push(`${name}: ${literal(spec.value, ENUM_ARGUMENTS[name])}`);
        break;
      case 'fieldVar': {
        const inner = target!.field!;
        const { [inner]: value, ...object } = spec.value as Record<string, unknown>;
        const printed = literal(object);
        const fieldVariable = `$${inner}`;
        declarations.push(`${fieldVariable}: ${FIELD_TYPES[inner]}`);
        variables[inner] = value;
        passed.push(
          `${name}: ${printed === '{}' ? `{${inner}: ${fieldVariable}}` : `${printed.slice(0, -1)}, ${inner}: ${fieldVariable}}`}`,
        );
        break;
      }
      case 'wrongDecl': {
        const base = spec.type.replace(/[![\]]/g, '');
        const wrong = rng.pick(
          ['String', 'ID', 'Int', 'Boolean', 'Float', 'DateTimeISO', 'InterviewSessionStatus', 'UpdateInterviewSessionInput'].filter(
            (type) => type !== base,
          ),
        );
        declarations.push(`${variable}: ${rng.chance(0.5) ? `${wrong}!` : `[${wrong}]`}`);
        variables[name] = spec.value;
        passed.push(`${name}: ${variable}`);
        break;
      }
      case 'undeclared':
        variables[name] = spec.value;
        passed.push(`${name}: ${variable}`);
        break;
      case 'missing':
        declarations.push(`${variable}: ${spec.type}`);
        passed.push(`${name}: ${variable}`);
        break;
    }
  }
  const header = declarations.length > 0 ? `${kind} Fuzz(${declarations.join(', ')})` : kind === 'query' && rng.chance(0.5) ? '' : kind;
  const call = passed.length > 0 ? `${field}(${passed.join(', ')})` : field;
  return { query: `${header} { ${call}${selection ? ` { ${selection} }` : ''} }`.trim(), variables };
}

/** The declared type of each input field, for a field delivered as a variable of its own. */
const FIELD_TYPES: Record<string, string> = {
  title: 'String!',
  candidateName: 'String!',
  scheduledAt: 'DateTimeISO',
  status: 'InterviewSessionStatus',
  createdAfter: 'DateTimeISO',
  createdBefore: 'DateTimeISO',
};

/** How the attacked argument is delivered: `nested` when it is a field of an input object, `nonNull` when a missing variable is an error. */
export function pickDelivery(rng: Rng, nested: boolean, nonNull: boolean): Delivery {
  return rng.weighted<Delivery>([
    [10, 'vars'],
    [6, 'inline'],
    [nested ? 4 : 0, 'fieldVar'],
    [1, 'wrongDecl'],
    [1, 'undeclared'],
    [nonNull ? 1 : 0, 'missing'],
  ]);
}

/** Whether input field `key` goes as a literal: with a variable for one field, the other fields are literals. */
export function sentAsLiteral({ delivery, field }: ArgTarget, key: string): boolean {
  return delivery === 'inline' || (delivery === 'fieldVar' && key !== field);
}

/** A wrongly declared, undeclared or missing variable is an error whatever its value. */
export function isProperDelivery(delivery: Delivery): boolean {
  return delivery === 'vars' || delivery === 'inline' || delivery === 'fieldVar';
}

/** Whether an argument arrives as sent: properly delivered, and no lone surrogate in a literal ("\ud800" is no GraphQL escape). */
export function arrivesIntact(value: unknown, delivery: Delivery): boolean {
  return isProperDelivery(delivery) && !(delivery === 'inline' && typeof value === 'string' && hasLoneSurrogate(value));
}
