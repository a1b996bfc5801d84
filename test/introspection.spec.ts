import { readFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { SCHEMA_FILE } from '../src/emit-schema';
import { printApiSchema } from '../src/graphql/schema';
import { graphql } from './support/graphql-client';
import { startTestApp, type TestApp } from './support/test-app';

const committedSchema = () => readFileSync(SCHEMA_FILE, 'utf8');

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
