import type { GraphQLSchema } from 'graphql';
import type { Config } from '../../config/config';
import type { OperationCosts } from '../operation-costs';
import { parseOptions } from '../query-limits';
import { allValidationRules } from '../validation-rules';
import type { Logger } from '../../observability/logger';
import { readManifest } from './manifest';
import { TrustedDocuments } from './trusted-documents';

/**
 * At start: the manifest's documents, parsed, validated and priced as a request's would be, or
 * undefined with TRUSTED_DOCUMENTS=off (nothing is read). A manifest that cannot be used, or
 * that holds an operation that would no longer run, stops the start (ManifestError, one line).
 */
export function loadTrustedDocuments(
  graphql: Config['graphql'],
  schema: GraphQLSchema,
  costs: OperationCosts,
  logger: Logger,
): TrustedDocuments | undefined {
  const settings = graphql.trustedDocuments;
  if (settings.mode === 'off') {
    if (settings.ignoredManifest !== undefined) {
      logger.warn({ manifest: settings.ignoredManifest }, 'TRUSTED_DOCUMENTS=off: the manifest is not read, and any document runs');
    }
    return undefined;
  }
  const { mode, manifest } = settings;
  const checks = { schema, rules: allValidationRules(graphql, costs), parseOptions: parseOptions(graphql.limits) };
  const trusted = TrustedDocuments.compile(manifest, readManifest(manifest), checks);
  logger.info(
    { mode, manifest, operations: trusted.size },
    mode === 'enforce'
      ? "trusted documents: only the manifest's operations run"
      : 'trusted documents: everything runs, documents not in the manifest are logged (TRUSTED_DOCUMENTS=log)',
  );
  return trusted;
}
