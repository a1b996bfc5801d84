import { ReferenceKind } from '@mikro-orm/postgresql';
import {
  getNamedType,
  isLeafType,
  isObjectType,
  type GraphQLField,
  type GraphQLLeafType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { buildApiSchema } from '../src/graphql/schema';
import { entities, resolvers } from '../src/modules';
import { graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Every GraphQL field of every entity type that is a column is readable by every query that
 * returns the type: a lookup by id, a list, a connection's nodes and edges, and a connection of
 * another entity that lists it (a session's feedback), reached by each of that entity's own
 * queries. A field added to an entity (`@Field` + `@Property`) must come back from all of them,
 * not only from the mutations. Fields and queries are read from the schema, so a new field,
 * query or relation is covered without touching this spec.
 *
 * Each entity gets one row with a value in every column (nullable ones filled with a sample of
 * their type, a reference with a row of its own), written and read back through MikroORM's own
 * unit of work: what each query returns must equal that, serialised as the schema serialises it.
 */

const SAMPLES: Record<string, unknown> = {
  Date: new Date('2031-02-03T04:05:06.789Z'),
  string: 'sample',
  // Within every range a number column allows (a rating is 1 to 5).
  number: 3,
  boolean: true,
};

type Row = Record<string, unknown>;
type Entity = (typeof entities)[number];

let app: TestApp;
let schema: GraphQLSchema;

beforeAll(async () => {
  app = await startTestApp();
  schema = await buildApiSchema(resolvers);
});
afterAll(() => ifSetUp(app)?.stop());

const metadataOf = (entity: Entity) => app.database.orm.getMetadata().get(entity.name);

/** A query that reaches the type: a lookup by id, a list, or a connection (`nodes` and `edges { node }`). */
interface Reader {
  label: string;
  document: (selection: string, row: Row) => string;
  /** The stored row's entry in the answer. */
  pick: (data: Record<string, any>, row: Row) => unknown;
}

const withId = (row: Row) => (entry: { id: string }) => entry.id === row.id;

/** The ways into a connection of `type`: its `nodes`, and its `edges { node }`. */
const CONNECTION_PATHS = [
  { label: 'nodes', select: (selection: string) => `nodes { id ${selection} }`, nodes: (connection: any) => connection.nodes },
  {
    label: 'edges { node }',
    select: (selection: string) => `edges { node { id ${selection} } }`,
    nodes: (connection: any) => connection.edges.map((edge: { node: unknown }) => edge.node),
  },
];

/** The root queries that return the type. */
function rootReadersOf(type: GraphQLObjectType): Reader[] {
  const readers: Reader[] = [];
  for (const field of Object.values(schema.getQueryType()!.getFields())) {
    const returned = getNamedType(field.type);
    const byId = field.args.some((arg) => arg.name === 'id');
    if (returned === type && byId) {
      readers.push({
        label: `${field.name}(id)`,
        document: (selection, row) => `{ r: ${field.name}(id: "${String(row.id)}") { ${selection} } }`,
        pick: (data) => data.r,
      });
    } else if (returned === type) {
      readers.push({
        label: field.name,
        document: (selection) => `{ r: ${field.name} { id ${selection} } }`,
        pick: (data, row) => data.r.find(withId(row)),
      });
    } else if (isObjectType(returned) && isConnectionOf(returned, type)) {
      for (const path of CONNECTION_PATHS) {
        readers.push({
          label: `${field.name} { ${path.label} }`,
          document: (selection) => `{ r: ${field.name} { ${path.select(selection)} } }`,
          pick: (data, row) => path.nodes(data.r).find(withId(row)),
        });
      }
    }
  }
  return readers;
}

/**
 * The connections of the entities the type refers to (a feedback's session) that list the type
 * (the session's feedback), reached through each of those entities' own root queries.
 */
function nestedReadersOf(type: GraphQLObjectType, entity: Entity): Reader[] {
  const readers: Reader[] = [];
  for (const reference of metadataOf(entity).props.filter((prop) => prop.kind === ReferenceKind.MANY_TO_ONE)) {
    const parentType = schema.getType(reference.type);
    if (!isObjectType(parentType)) continue;
    const parentOf = (row: Row): Row => ({ id: row[reference.name] });
    for (const field of Object.values(parentType.getFields())) {
      const returned = getNamedType(field.type);
      if (!isObjectType(returned) || !isConnectionOf(returned, type)) continue;
      for (const parent of rootReadersOf(parentType)) {
        for (const path of CONNECTION_PATHS) {
          readers.push({
            label: `${parent.label} { ${field.name} { ${path.label} } }`,
            document: (selection, row) => parent.document(`${field.name} { ${path.select(selection)} }`, parentOf(row)),
            pick: (data, row) => path.nodes((parent.pick(data, parentOf(row)) as Record<string, unknown>)[field.name]).find(withId(row)),
          });
        }
      }
    }
  }
  return readers;
}

function isConnectionOf(connection: GraphQLObjectType, type: GraphQLObjectType): boolean {
  const { nodes, edges } = connection.getFields();
  const edge = edges && getNamedType(edges.type);
  const node = isObjectType(edge) ? edge.getFields().node : undefined;
  return nodes !== undefined && getNamedType(nodes.type) === type && node !== undefined && getNamedType(node.type) === type;
}

/**
 * The row: every scalar column given a value, every reference a row of its own, through
 * MikroORM. Newest, so it heads every list (and its references theirs).
 */
async function storeFullRow(entity: Entity): Promise<Row> {
  const meta = metadataOf(entity);
  const references: Row = {};
  for (const prop of meta.props) {
    if (prop.kind === ReferenceKind.MANY_TO_ONE)
      references[prop.name] = (await storeFullRow(prop.targetMeta!.class))[prop.targetMeta!.primaryKeys[0]!];
  }
  const em = app.database.orm.em.fork();
  const row = em.create(entity, references as never) as Row;
  for (const prop of meta.props) {
    if (prop.kind !== ReferenceKind.SCALAR || prop.primary) continue;
    row[prop.name] ??= SAMPLES[prop.runtimeType];
  }
  await em.flush();
  return await app.database.orm.em.fork().findOneOrFail(entity, row[meta.primaryKeys[0]!] as never);
}

/** The type's leaf fields that are columns of the entity (not those a resolver computes, such as averageRating). */
const columnFields = (type: GraphQLObjectType, entity: Entity) =>
  Object.values(type.getFields()).filter((field) => isLeafType(getNamedType(field.type)) && metadataOf(entity).properties[field.name]);

/** Entities that are GraphQL object types too (a table that only serves the server, such as idempotency_key, is not). */
const graphqlEntities = entities.filter((entity) => getMetadataStorage().objectTypes.some((type) => type.target === entity));

describe.each(graphqlEntities.map((entity) => [entity.name, entity] as const))('the entity %s', (name, entity) => {
  it('has every GraphQL field readable by each query that returns it', async () => {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} is an entity but not a GraphQL object type: nothing to check`);
    const fields = columnFields(type, entity);
    const readers = [...rootReadersOf(type), ...nestedReadersOf(type, entity)];
    expect(readers.length).toBeGreaterThan(0);

    const stored = await storeFullRow(entity);
    const expected = Object.fromEntries(
      fields.map((field: GraphQLField<unknown, unknown>) => [
        field.name,
        (getNamedType(field.type) as GraphQLLeafType).serialize(stored[field.name]),
      ]),
    );
    expect(Object.values(expected)).not.toContain(null); // the check below is only as good as this

    for (const reader of readers) {
      const response = await graphql(app.url, reader.document(fields.map((field) => field.name).join(' '), stored));
      expect([reader.label, response.body.errors]).toEqual([reader.label, undefined]);
      expect([reader.label, reader.pick(response.body.data, stored)]).toEqual([reader.label, expected]);
    }
  });
});
