import { readFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, isObjectType, type IntrospectionQuery } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { SCHEMA_FILE } from '../src/graphql/emit-schema';
import { buildApiSchema, printApiSchema } from '../src/graphql/schema';
import { resolvers } from '../src/modules';
import { graphql } from './support/graphql-client';
import { startTestApp, type TestApp } from './support/test-app';

const committedSchema = () => readFileSync(SCHEMA_FILE, 'utf8');

describe('schema.graphql', () => {
  it('is what the type-graphql classes generate (run `npm run schema` when this fails)', async () => {
    expect(committedSchema()).toBe(printApiSchema(await buildApiSchema(resolvers)));
  });
});

describe('every root field', () => {
  it('needs its scope, sessions:read for a query and sessions:write for a mutation, and its description says so', async () => {
    const schema = await buildApiSchema(resolvers);
    const storage = getMetadataStorage();
    for (const [kind, handlers, scope] of [
      ['Query', storage.queries, 'sessions:read'],
      ['Mutation', storage.mutations, 'sessions:write'],
    ] as const) {
      const type = schema.getType(kind);
      if (!isObjectType(type)) throw new Error(`the schema has no ${kind} type`);
      for (const field of Object.values(type.getFields())) {
        const handler = handlers.find((candidate) => candidate.schemaName === field.name);
        const authorized = storage.authorizedFields.find(
          (entry) => entry.target === handler?.target && entry.fieldName === handler.methodName,
        );
        expect([field.name, authorized?.roles, field.description?.endsWith(` Needs the scope ${scope}.`)]).toEqual([
          field.name,
          [scope],
          true,
        ]);
      }
    }
  });
});

describe('introspection', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('is on by default and returns exactly the schema in schema.graphql', async () => {
    app = await startTestApp();
    const response = await graphql<IntrospectionQuery>(app.url, getIntrospectionQuery());
    expect(response.body.errors).toBeUndefined();
    expect(printApiSchema(buildClientSchema(response.body.data!))).toBe(committedSchema());
  });

  it('is refused when GRAPHQL_INTROSPECTION=false', async () => {
    app = await startTestApp({ GRAPHQL_INTROSPECTION: 'false' });
    const response = await graphql(app.url, getIntrospectionQuery());
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
