import type { HTTPGraphQLRequest } from '@apollo/server';

const DOCUMENT_ID = 'documentId';
/** How the GraphQL-over-HTTP proposal's ids may say which hash they are. */
const SHA256_PREFIX = 'sha256:';

type Extensions = Record<string, unknown>;

/**
 * A request may name its document instead of sending it, in either of two ways that clients
 * use: Apollo Client's persisted-query link sends `extensions.persistedQuery.sha256Hash`, which
 * Apollo reads; GraphQL Codegen's client preset sends a top-level `documentId` (the
 * GraphQL-over-HTTP proposal's field, `sha256:<hex>` or the bare hex), which Apollo does not.
 * This makes the second into the first, in a POST body or a GET query string, so that both
 * resolve alike: against the trusted documents, or the automatic persisted queries.
 *
 * A request with no `documentId` is passed on as it is; so is one whose `documentId` or
 * `extensions` is malformed, for Apollo to refuse.
 */
export function withDocumentIdAsPersistedQuery(request: HTTPGraphQLRequest): HTTPGraphQLRequest {
  const { body, search } = request;
  if (isRecord(body) && DOCUMENT_ID in body) {
    const { [DOCUMENT_ID]: documentId, ...rest } = body;
    const extensions = body.extensions ?? {};
    if (typeof documentId !== 'string' || !isRecord(extensions)) return request;
    return { ...request, body: { ...rest, extensions: withPersistedQuery(extensions, documentId) } };
  }
  if (!search.includes(DOCUMENT_ID)) return request;
  const parameters = new URLSearchParams(search);
  const documentId = parameters.get(DOCUMENT_ID);
  const extensions = parsedExtensions(parameters.get('extensions'));
  if (documentId === null || !extensions) return request;
  parameters.delete(DOCUMENT_ID);
  parameters.set('extensions', JSON.stringify(withPersistedQuery(extensions, documentId)));
  return { ...request, search: `?${parameters.toString()}` };
}

function withPersistedQuery(extensions: Extensions, documentId: string): Extensions {
  const sha256Hash = documentId.startsWith(SHA256_PREFIX) ? documentId.slice(SHA256_PREFIX.length) : documentId;
  return { ...extensions, persistedQuery: { version: 1, sha256Hash } };
}

/** The `extensions` of a query string: {} when absent, undefined when it is not a JSON object. */
function parsedExtensions(text: string | null): Extensions | undefined {
  if (text === null) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Extensions {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
