import { InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import type { TrustedDocuments } from './trusted-documents';

/**
 * Apollo's cache of parsed and validated documents, holding the trusted documents for good: a
 * request for one of them is neither parsed nor validated again, however many other documents
 * pass through. Others (introspection, and anything at all under TRUSTED_DOCUMENTS=log) are
 * kept as Apollo keeps them by default, the least recently used going first. Apollo's keys end
 * with the document's SHA-256, the manifest's id.
 */
export function documentStoreWith(trusted: TrustedDocuments): KeyValueCache<DocumentNode> {
  const others = new InMemoryLRUCache<DocumentNode>();
  const idOf = (key: string) => key.slice(key.lastIndexOf(':') + 1);
  return {
    get: async (key) => trusted.document(idOf(key)) ?? others.get(key),
    set: async (key, document) => {
      if (!trusted.has(idOf(key))) await others.set(key, document);
    },
    delete: (key) => others.delete(key),
  };
}

/**
 * Apollo's persisted-query cache, answering with the manifest alone: a hash (or a `documentId`)
 * resolves to a trusted document, any other is PERSISTED_QUERY_NOT_FOUND, and nothing a client
 * sends is kept. Keys are the bare hashes: the manifest shares its keys with nothing.
 */
export function persistedQueriesFrom(trusted: TrustedDocuments): KeyValueCache {
  return PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation({
    get: async (hash) => trusted.body(hash),
    set: async () => undefined,
    delete: async () => false,
  });
}
