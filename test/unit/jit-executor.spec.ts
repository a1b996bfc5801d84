import { Kind, parse, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery } from 'graphql-jit';
import { jitGateway } from '../../src/graphql/jit-executor';
import { buildApiSchema } from '../../src/graphql/schema';
import { resolvers } from '../../src/modules';

// The real compiler, watched: how often it runs is what is under test.
jest.mock('graphql-jit', () => {
  const actual = jest.requireActual<typeof import('graphql-jit')>('graphql-jit');
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});
const compiles = compileQuery as jest.MockedFunction<typeof compileQuery>;

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildApiSchema(resolvers);
});

/** Runs `source` (named `hash`) through the gateway's executor, as Apollo would. */
async function run(executor: (request: never) => Promise<unknown>, hash: string, source: string): Promise<unknown> {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return executor({ document, operation, queryHash: hash, context: {}, request: {} } as never);
}

describe('the graphql-jit executor', () => {
  it('compiles the known documents at start, and keeps them however many others come', async () => {
    const known: [string, { document: DocumentNode }][] = [['known-hash', { document: parse('query Known { __typename }') }]];
    compiles.mockClear();
    const gateway = jitGateway(schema, known, 2);
    expect(compiles).toHaveBeenCalledTimes(1);
    const { executor } = await gateway.load({} as never);
    const send = (hash: string, source: string) => run(executor as never, hash, source);

    expect(await send('known-hash', 'query Known { __typename }')).toEqual({ data: { __typename: 'Query' } });
    for (let n = 0; n < 5; n++) await send(`other-${n}`, `query Other${n} { __typename }`);
    await send('known-hash', 'query Known { __typename }');
    // One compilation at start, one per other document; none for the known one after start.
    expect(compiles).toHaveBeenCalledTimes(1 + 5);
  });
});
