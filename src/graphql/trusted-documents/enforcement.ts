import { parse } from 'graphql';
import type { Config } from '../../config/config';
import type { UntrustedDocumentCheck } from '../context';
import { parseOptions } from '../query-limits';
import { isIntrospectionOnly } from './introspection-only';
import { sha256 } from '../../sha256';
import type { TrustedDocuments } from './trusted-documents';

/**
 * TRUSTED_DOCUMENTS=enforce, for the text of a request's document (one sent by id needs no
 * check: it resolves to a trusted document, or to PERSISTED_QUERY_NOT_FOUND). The text runs
 * only if it is a trusted document to the byte (its SHA-256 is a manifest id), or, while
 * GRAPHQL_INTROSPECTION allows it, if it asks only about the schema. Nothing else is parsed:
 * with introspection off, nothing at all. Undefined unless enforced.
 */
export function untrustedDocumentCheck(
  trusted: TrustedDocuments | undefined,
  graphql: Config['graphql'],
): UntrustedDocumentCheck | undefined {
  if (!trusted || graphql.trustedDocuments.mode !== 'enforce') return undefined;
  const options = parseOptions(graphql.limits);
  const introspectionOnly = (text: string) => {
    try {
      return isIntrospectionOnly(parse(text, options));
    } catch {
      // Not a document (or one too deep to parse): not introspection.
      return false;
    }
  };
  return (text) => {
    if (text === undefined) return undefined;
    const hash = sha256(text);
    if (trusted.has(hash) || (graphql.introspection && introspectionOnly(text))) return undefined;
    return hash;
  };
}
