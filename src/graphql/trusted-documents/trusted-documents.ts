import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { ManifestError, type ManifestOperation } from './manifest';

/** What a manifest's documents are checked with: the schema, and the rules and limits of a request. */
interface DocumentChecks {
  schema: GraphQLSchema;
  rules: readonly ValidationRule[];
  parseOptions: ParseOptions;
}

/** A manifest operation that would not run: its document no longer parses or validates. */
interface StaleOperation {
  operation: ManifestOperation;
  /** The first error, on one line. */
  problem: string;
}

/** Each operation of the manifest whose document a request could not run against this schema. */
export function staleOperations(operations: readonly ManifestOperation[], checks: DocumentChecks): StaleOperation[] {
  return operations.flatMap((operation) => {
    const checked = check(operation.body, checks);
    return 'problem' in checked ? [{ operation, problem: checked.problem }] : [];
  });
}

/** The document of every operation of a manifest, by id, parsed and validated (and so priced) once. */
export class TrustedDocuments {
  private constructor(private readonly documents: ReadonlyMap<string, { body: string; document: DocumentNode }>) {}

  /**
   * Checks every operation against the schema; a stale one is a ManifestError naming it, on one
   * line: a schema change that would break a shipped client stops the server before it serves.
   */
  static compile(path: string, operations: readonly ManifestOperation[], checks: DocumentChecks): TrustedDocuments {
    const documents = new Map<string, { body: string; document: DocumentNode }>();
    const stale: StaleOperation[] = [];
    for (const operation of operations) {
      const checked = check(operation.body, checks);
      if ('problem' in checked) stale.push({ operation, problem: checked.problem });
      else documents.set(operation.id, { body: operation.body, document: checked.document });
    }
    const [first] = stale;
    if (first) {
      const others = stale.length > 1 ? ` (and ${stale.length - 1} more: npm run schema:check -- --manifest ${path} lists them)` : '';
      throw new ManifestError(`manifest ${path}: ${describeStale(first)}${others}`);
    }
    return new TrustedDocuments(documents);
  }

  get size(): number {
    return this.documents.size;
  }

  has(id: string): boolean {
    return this.documents.has(id);
  }

  /** Every document, by its id (the SHA-256 of its text, as Apollo hashes a request's). */
  entries(): IterableIterator<[string, { document: DocumentNode }]> {
    return this.documents.entries();
  }

  body(id: string): string | undefined {
    return this.documents.get(id)?.body;
  }

  document(id: string): DocumentNode | undefined {
    return this.documents.get(id)?.document;
  }
}

/** `operation GetSession (3fa2…) would no longer run: …` */
export function describeStale({ operation, problem }: StaleOperation): string {
  return `operation ${operation.name} (${operation.id.slice(0, 12)}…) would no longer run: ${problem}`;
}

/** The document, parsed and validated as a request's would be (validation prices it); or why it would not run. */
function check(body: string, { schema, rules, parseOptions }: DocumentChecks): { document: DocumentNode } | { problem: string } {
  let document: DocumentNode;
  try {
    document = parse(body, parseOptions);
  } catch (error) {
    if (error instanceof GraphQLError) return { problem: oneLine(error.message) };
    throw error;
  }
  const [error] = validate(schema, document, rules);
  return error ? { problem: oneLine(error.message) } : { document };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ');
