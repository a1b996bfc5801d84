import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { isObjectType, responsePathAsArray, type GraphQLField, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { recordFailure } from './span-failure';

type Field = GraphQLField<unknown, unknown>;

/**
 * A span for each resolution of a field that can reach the database, named `Query.interviewSessions`,
 * with the field's path in the response. Not for the other fields: a scalar read from
 * an object already in hand would cost a span each and say nothing. Wraps the schema's resolvers
 * in place, so graphql-jit and graphql-js both run the wrapped ones.
 */
export function traceResolvers(schema: GraphQLSchema, tracer: Tracer): void {
  for (const { typeName, field } of databaseFields(schema)) {
    const { resolve } = field;
    if (resolve) field.resolve = traced(resolve, `${typeName}.${field.name}`, tracer);
  }
}

/**
 * The fields resolved by a method of a resolver class: every query and mutation, and every
 * `@FieldResolver` (totalCount, which counts). The only code that can reach the database; every
 * other field reads a property of what such a method returned.
 */
function databaseFields(schema: GraphQLSchema): { typeName: string; field: Field }[] {
  const fieldsOf = (typeName: string, names?: readonly string[]) => {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) return [];
    const fields = type.getFields();
    return (names ?? Object.keys(fields)).flatMap((name) => (fields[name] ? [{ typeName, field: fields[name] }] : []));
  };
  const roots = [schema.getQueryType(), schema.getMutationType()].flatMap((root) => (root ? fieldsOf(root.name) : []));
  const { fieldResolvers, objectTypes } = getMetadataStorage();
  const ownResolvers = fieldResolvers.flatMap((resolver) => {
    const objectType = objectTypes.find((candidate) => candidate.target === resolver.getObjectType?.());
    return objectType ? fieldsOf(objectType.name, [resolver.schemaName]) : [];
  });
  return [...roots, ...ownResolvers];
}

function traced(resolve: GraphQLFieldResolver<unknown, unknown>, name: string, tracer: Tracer): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, contextValue, info) => {
    const parent = context.active();
    if (!trace.getSpan(parent)?.isRecording()) return resolve(source, args, contextValue, info);
    const span = tracer.startSpan(
      name,
      {
        // The name says the type and the field; the path tells aliases apart.
        attributes: { 'graphql.field.path': responsePathAsArray(info.path).join('.') },
      },
      parent,
    );
    return context.with(trace.setSpan(parent, span), () => {
      try {
        const result = resolve(source, args, contextValue, info);
        if (!(result instanceof Promise)) {
          span.end();
          return result;
        }
        return result.then(
          (value: unknown) => {
            span.end();
            return value;
          },
          (error: unknown) => failed(span, error),
        );
      } catch (error) {
        return failed(span, error);
      }
    });
  };
}

function failed(span: Span, error: unknown): never {
  recordFailure(span, error);
  span.end();
  throw error;
}
