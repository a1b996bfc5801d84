import { readFileSync } from 'node:fs';
import type { GraphQLField, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { MissingScopeError } from '../../src/auth/errors';
import { TokenPrincipal } from '../../src/auth/principal';
import { SCHEMA_FILE } from '../../src/emit-schema';
import { buildApiSchema, printApiSchema } from '../../src/graphql/schema';
import { resolvers } from '../../src/modules';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildApiSchema(resolvers);
});

describe('schema.graphql', () => {
  it('is what the type-graphql classes generate (run `npm run schema` when this fails)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printApiSchema(schema));
  });
});

/** As the docs state it: queries need sessions:read, mutations sessions:write. */
const SCOPE_OF: Record<string, string> = { Query: 'sessions:read', Mutation: 'sessions:write' };

interface RootField {
  /** e.g. Mutation.deleteInterviewSession */
  name: string;
  scope: string | undefined;
  field: GraphQLField<unknown, unknown>;
}

const rootFields = (): RootField[] =>
  [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
    Object.values(type?.getFields() ?? {}).map((field) => ({
      name: `${type?.name}.${field.name}`,
      scope: SCOPE_OF[type?.name ?? ''],
      field,
    })),
  );

/**
 * What resolving `field` does for a valid token that grants no scope: the scope it is refused
 * for, or how it got past the check. Without `@Authorized` (or with `@Authorized()` naming no
 * scope) type-graphql runs the resolver itself, which fails on the context this test leaves out.
 */
async function refusalOf({ field }: RootField): Promise<string> {
  const context = { principal: new TokenPrincipal('spec', 'sub:spec', new Set()) };
  try {
    await field.resolve?.(undefined, {}, context, {} as GraphQLResolveInfo);
    return 'resolved with no scope';
  } catch (error) {
    return error instanceof MissingScopeError ? error.scope : `passed the scope check, then failed: ${String(error)}`;
  }
}

describe('every query and mutation', () => {
  it('is refused to a token without its scope (@Authorized(SESSIONS_READ | SESSIONS_WRITE) on the resolver)', async () => {
    const fields = rootFields();
    expect(fields.map(({ name }) => name)).toEqual(expect.arrayContaining(['Query.interviewSessions', 'Mutation.deleteInterviewSession']));
    const refusals = await Promise.all(fields.map(async (root) => [root.name, await refusalOf(root)]));
    expect(refusals).toEqual(fields.map(({ name, scope }) => [name, scope]));
  });

  it('names its scope in its schema description (describedWithScope)', () => {
    const fields = rootFields();
    expect(fields.map(({ name, field }) => [name, field.description])).toEqual(
      fields.map(({ name, scope }) => [name, expect.stringMatching(new RegExp(`Needs the scope ${scope}\\.$`))]),
    );
  });
});
