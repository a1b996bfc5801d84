import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { bounded } from '../../observability/bounded-text';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import { isIntrospectionOnly } from './introspection-only';
import type { TrustedDocuments } from './trusted-documents';

/** Distinct documents logged at most: a client sending ever new documents must not grow the memory (or the log) without end. */
const MAX_LOGGED_DOCUMENTS = 10_000;

/**
 * TRUSTED_DOCUMENTS=log: everything runs, and every request whose document enforce would refuse
 * is counted (`graphql_documents_not_in_list_total{mode="log"}`); each such document is logged
 * once, with its hash and operation name, so that operators see what would break before they
 * enforce. What enforce lets through is not reported: the manifest's documents, and
 * introspection while GRAPHQL_INTROSPECTION allows it.
 */
export function unlistedDocumentsPlugin(
  trusted: TrustedDocuments,
  introspection: boolean,
  logger: Logger,
  metrics: Metrics,
): ApolloServerPlugin<Context> {
  const logged = new Set<string>();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ queryHash, document, operationName, request }) {
          // Apollo's type promises a hash, but a request refused before its document was resolved
          // (an unknown id, which enforce refuses alike) has none.
          const hash = queryHash as string | undefined;
          if (hash === undefined || trusted.has(hash)) return;
          if (introspection && document && isIntrospectionOnly(document)) return;
          metrics.observeDocumentNotInList('log');
          if (logged.has(hash) || logged.size > MAX_LOGGED_DOCUMENTS) return;
          logged.add(hash);
          if (logged.size > MAX_LOGGED_DOCUMENTS) {
            logger.warn(`more than ${MAX_LOGGED_DOCUMENTS} distinct documents not in the manifest: no longer logging each (still counted)`);
            return;
          }
          const operation = bounded(operationName ?? request.operationName) ?? null;
          logger.warn({ document: hash, operation }, 'document not in the trusted documents manifest: enforce would refuse it');
        },
      };
    },
  };
}
