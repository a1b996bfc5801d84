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
 * Every GraphQL field of every entity type is readable by every query that returns the type
 * (a lookup by id, a list, a connection's nodes and edges):
 * a field added to an entity (`@Field` + `@Property`) must come back from lookups, lists and
 * edges alike, not only from the mutations. Fields and queries are read from the schema, so a
 * new field or query is covered without touching this spec.
 *
 * Each entity gets one row with a value in every column (nullable ones filled with a sample of
 * their type), written and read back through MikroORM's own unit of work: what each query
 * returns must equal that, serialised as the schema serialises it.
 */

const SAMPLES: Record<string, unknown> = {
  Date: new Date('2031-02-03T04:05:06.789Z'),
  string: 'sample',
  number: 7,
  boolean: true,
};

let app: TestApp;
let schema: GraphQLSchema;

beforeAll(async () => {
  app = await startTestApp();
  schema = await buildApiSchema(resolvers);
});
afterAll(() => ifSetUp(app)?.stop());

/** A query that reaches the type: a lookup by id, a list, or a connection (`nodes` and `edges { node }`). */
interface Reader {
  label: string;
  document: (selection: string, id: string) => string;
  /** The stored row's entry in the answer. */
  pick: (data: Record<string, any>, id: string) => unknown;
}

const withId = (id: string) => (entry: { id: string }) => entry.id === id;

function readersOf(type: GraphQLObjectType): Reader[] {
  const readers: Reader[] = [];
  for (const field of Object.values(schema.getQueryType()!.getFields())) {
    const returned = getNamedType(field.type);
    const byId = field.args.some((arg) => arg.name === 'id');
    if (returned === type && byId) {
      readers.push({
        label: `${field.name}(id)`,
        document: (selection, id) => `{ r: ${field.name}(id: "${id}") { ${selection} } }`,
        pick: (data) => data.r,
      });
    } else if (returned === type) {
      readers.push({
        label: field.name,
        document: (selection) => `{ r: ${field.name} { id ${selection} } }`,
        pick: (data, id) => data.r.find(withId(id)),
      });
    } else if (isObjectType(returned) && isConnectionOf(returned, type)) {
      readers.push(
        {
          label: `${field.name} { nodes }`,
          document: (selection) => `{ r: ${field.name} { nodes { id ${selection} } } }`,
          pick: (data, id) => data.r.nodes.find(withId(id)),
        },
        {
          label: `${field.name} { edges { node } }`,
          document: (selection) => `{ r: ${field.name} { edges { node { id ${selection} } } } }`,
          pick: (data, id) => data.r.edges.map((edge: { node: unknown }) => edge.node).find(withId(id)),
        },
      );
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

/** The row: every scalar column given a value, through MikroORM. Newest, so it heads every list. */
async function storeFullRow(entity: (typeof entities)[number]): Promise<Record<string, unknown>> {
  const em = app.database.orm.em.fork();
  const meta = em.getMetadata().get(entity);
  const row = em.create(entity, {} as never) as Record<string, unknown>;
  for (const prop of meta.props) {
    if (prop.kind !== ReferenceKind.SCALAR || prop.primary) continue;
    row[prop.name] ??= SAMPLES[prop.runtimeType];
  }
  await em.flush();
  const stored = await app.database.orm.em.fork().findOneOrFail(entity, row[meta.primaryKeys[0]!] as never);
  return stored;
}

const leafSelection = (type: GraphQLObjectType) => Object.values(type.getFields()).filter((field) => isLeafType(getNamedType(field.type)));

/** Entities that are GraphQL object types too (a table that only serves the server, such as idempotency_key, is not). */
const graphqlEntities = entities.filter((entity) => getMetadataStorage().objectTypes.some((type) => type.target === entity));

describe.each(graphqlEntities.map((entity) => [entity.name, entity] as const))('the entity %s', (name, entity) => {
  it('has every GraphQL field readable by each query that returns it', async () => {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} is an entity but not a GraphQL object type: nothing to check`);
    const fields = leafSelection(type);
    const readers = readersOf(type);
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
      const response = await graphql(app.url, reader.document(fields.map((field) => field.name).join(' '), String(stored.id)));
      expect([reader.label, response.body.errors]).toEqual([reader.label, undefined]);
      expect([reader.label, reader.pick(response.body.data, String(stored.id))]).toEqual([reader.label, expected]);
    }
  });
});
