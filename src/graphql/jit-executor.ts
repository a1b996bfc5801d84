import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  execute,
  GraphQLError,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** Compiled documents kept, most recently used first: the API's clients send a handful of documents. */
const DEFAULT_MAX_COMPILED = 1_000;

/**
 * Apollo Server with graphql-jit as its executor, plugged in through Apollo's gateway interface
 * (a gateway that serves this one schema and executes with compiled queries). Apollo keeps
 * everything else: parsing, validation and its document cache, plugins, error formatting.
 *
 * graphql-jit compiles each document once into a function that resolves and serialises it with
 * far less per-field work than graphql-js's interpreter. Documents it cannot compile run on
 * graphql-js, as before. Its field errors keep the resolver's error as `originalError`, so
 * formatError gives them their codes exactly as under graphql-js.
 *
 * The `known` documents (the trusted documents' manifest, by hash) are compiled here, at start,
 * and kept for the life of the process: the documents a client may send then never compile
 * under load, and no flood of other documents evicts them.
 */
export function jitGateway(
  schema: GraphQLSchema,
  known: Iterable<[string, { document: DocumentNode }]> = [],
  maxCompiled = DEFAULT_MAX_COMPILED,
): GatewayInterface {
  const pinned = compileKnown(schema, known);
  const compiled = new Map<string, CompiledQuery | undefined>();

  const compiledFor = (key: string, compile: () => CompiledQuery | undefined) => {
    if (pinned.has(key)) return pinned.get(key);
    if (compiled.has(key)) {
      const query = compiled.get(key);
      // Most recently used last: Map iteration order is insertion order.
      compiled.delete(key);
      compiled.set(key, query);
      return query;
    }
    const query = compile();
    compiled.set(key, query);
    const oldest = compiled.keys().next();
    if (compiled.size > maxCompiled && !oldest.done) compiled.delete(oldest.value);
    return query;
  };

  const executor: GatewayExecutor = async ({ document, operation, queryHash, context, request }) => {
    // The name the client asked for: the context's own `operationName` is that of the operation Apollo found, if any.
    const { operationName = null, variables } = request;
    const graphqlJs = () => execute({ schema, document, operationName, contextValue: context, variableValues: variables });
    // Queries only. graphql-js stops a mutation at its first failing field; graphql-jit would run
    // the mutations after it anyway. And an unknown operation name is graphql-js's to report.
    // (Apollo's type says there always is an operation; with an unknown name there is none.)
    if ((operation as OperationDefinitionNode | undefined)?.operation !== OperationTypeNode.QUERY) return graphqlJs();
    const query = compiledFor(`${queryHash}:${operationName ?? ''}`, () => compile(schema, document, operationName));
    if (!query) return graphqlJs();
    const result = await query.query(undefined, context, variables);
    // No data at all: the variables were refused before anything ran. graphql-js words those
    // errors as clients know them (and as Apollo recognises for its 400 BAD_USER_INPUT).
    if (result.data === undefined && result.errors) return graphqlJs();
    return result.errors ? { ...result, errors: result.errors.map(withExtensions) } : result;
  };

  return {
    load: () => Promise.resolve({ executor }),
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    stop: () => Promise.resolve(),
  };
}

/**
 * graphql-jit leaves `extensions` undefined on errors whose resolver error had none, where
 * graphql-js always gives an object; Apollo reads `extensions.code` and would fail on it. Such an
 * error is made again as graphql-js makes it, with graphql-jit's (exact) locations.
 */
function withExtensions(error: GraphQLError): GraphQLError {
  if ((error.extensions as GraphQLError['extensions'] | undefined) !== undefined) return error;
  const remade = new GraphQLError(error.message, { path: error.path, originalError: error.originalError });
  // graphql-js computes locations from AST nodes, which graphql-jit does not keep.
  Object.defineProperty(remade, 'locations', { value: error.locations, enumerable: error.locations !== undefined, writable: true });
  return remade;
}

/** The queries of each known document, by the key the executor looks them up with: by name, and unnamed when the document has one operation. */
function compileKnown(
  schema: GraphQLSchema,
  known: Iterable<[string, { document: DocumentNode }]>,
): Map<string, CompiledQuery | undefined> {
  const pinned = new Map<string, CompiledQuery | undefined>();
  for (const [hash, { document }] of known) {
    const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    for (const operation of operations) {
      if (operation.operation !== OperationTypeNode.QUERY) continue;
      const name = operation.name?.value ?? null;
      const query = compile(schema, document, name);
      pinned.set(`${hash}:${name ?? ''}`, query);
      if (operations.length === 1) pinned.set(`${hash}:`, query);
    }
  }
  return pinned;
}

/** The compiled query, or undefined for a document graphql-jit cannot compile (graphql-js runs it). */
function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | undefined {
  try {
    const result = compileQuery(schema, document, operationName ?? undefined);
    return isCompiledQuery(result) ? result : undefined;
  } catch {
    return undefined;
  }
}
