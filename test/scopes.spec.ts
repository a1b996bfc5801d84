import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { buildApiSchema } from '../src/graphql/schema';
import { entities, resolvers } from '../src/modules';
import { errorCodes, graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { startTestApp, type TestApp } from './support/test-app';
import { AUDIENCE, bearer, ISSUER, newSecret, secretKey, signToken } from './support/tokens';

/**
 * Every root field of the schema, generated from it, so that a field added tomorrow is covered
 * too: as the docs state, queries need sessions:read and mutations sessions:write; a token
 * without the scope gets 403 FORBIDDEN and changes nothing, a request without a token 401.
 */

const secret = newSecret();
let app: TestApp;
let schema: GraphQLSchema;
/** A row of every table, so that a mutation let through would have something to change. */
let existingId: string;

beforeAll(async () => {
  schema = await buildApiSchema(resolvers);
  app = await startTestApp({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE });
  const both = bearer(await signToken(secretKey(secret), { claims: { scope: 'sessions:read sessions:write' } }));
  const created = await graphql(
    app.url,
    'mutation { createInterviewSession(input: { title: "Kept", candidateName: "Ada" }) { id } }',
    undefined,
    both,
  );
  existingId = created.body.data.createInterviewSession.id;
  await graphql(app.url, 'mutation ($id: ID!) { startInterviewSession(id: $id) { id } }', { id: existingId }, both);
});
afterAll(() => ifSetUp(app)?.stop());

/** Every table's whole content, as one digest: equal before and after means nothing changed. */
async function contentOfEveryTable(): Promise<Record<string, string>> {
  const tables = entities.map((entity) => app.database.orm.getMetadata().get(entity.name).tableName);
  const digests = await Promise.all(
    tables.map(async (table) => {
      const [row] = await app.db.query<{ digest: string | null }>(
        `select md5(string_agg(t::text, ',' order by t::text)) as digest from "${table}" t`,
      );
      return [table, row?.digest ?? ''] as const;
    }),
  );
  return Object.fromEntries(digests);
}

/** A value of the argument's type that passes validation: ids name the existing row. */
function sampleValue(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, name);
  if (isListType(type)) return [sampleValue(type.ofType, name)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
    return Object.fromEntries(fields.map((field) => [field.name, sampleValue(field.type, field.name)]));
  }
  switch (type.name) {
    case 'ID':
      return existingId;
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTimeISO':
      return '2030-01-02T10:00:00.000Z';
    default:
      return `sample ${name}`;
  }
}

/** A document calling the field with every required argument, as variables, selecting only __typename. */
function documentFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((argument: GraphQLArgument) => isNonNullType(argument.type));
  const definitions = required.map((argument) => `$${argument.name}: ${String(argument.type)}`).join(', ');
  const call = required.map((argument) => `${argument.name}: $${argument.name}`).join(', ');
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return {
    query: `${operation}${definitions ? ` (${definitions})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((argument) => [argument.name, sampleValue(argument.type, argument.name)])),
  };
}

/** The root fields of an operation type, read from the schema once beforeAll has built it. */
const rootFields = (operation: 'query' | 'mutation') => {
  const type = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
  return Object.values(type?.getFields() ?? {});
};

describe.each([
  ['query', 'sessions:write', 'sessions:read'],
  ['mutation', 'sessions:read', 'sessions:write'],
] as const)('every %s field', (operation, wrongScope, neededScope) => {
  it(`answers a token with only ${wrongScope} 403 FORBIDDEN naming ${neededScope}, and changes nothing`, async () => {
    const fields = rootFields(operation);
    expect(fields.length).toBeGreaterThan(0);
    const token = bearer(await signToken(secretKey(secret), { claims: { scope: wrongScope } }));
    for (const field of fields) {
      const { query, variables } = documentFor(operation, field);
      const before = await contentOfEveryTable();
      const response = await graphql(app.url, query, variables, token);
      expect([field.name, response.status, errorCodes(response)]).toEqual([field.name, 403, ['FORBIDDEN']]);
      expect([field.name, response.body.errors?.[0]?.extensions?.scope]).toEqual([field.name, neededScope]);
      expect([field.name, await contentOfEveryTable()]).toEqual([field.name, before]);
    }
  });

  it('answers a request without a token 401 UNAUTHENTICATED, and changes nothing', async () => {
    for (const field of rootFields(operation)) {
      const { query, variables } = documentFor(operation, field);
      const before = await contentOfEveryTable();
      const response = await graphql(app.url, query, variables);
      expect([field.name, response.status, errorCodes(response)]).toEqual([field.name, 401, ['UNAUTHENTICATED']]);
      expect([field.name, await contentOfEveryTable()]).toEqual([field.name, before]);
    }
  });
});
