import { claimId, type Case, type CaseContext } from '../case';
import type { Status } from '../model';
import { graphqlRequest } from '../request';

/**
 * A mutation with an Accept header the server cannot satisfy: the answer is an error (406), so
 * the mutation must not have happened either. The table says whether it did.
 */
export function unacceptableAcceptCase(context: CaseContext): Case | undefined {
  const { rng, model, db } = context;
  const id = claimId(context, (row) => row.status === 'scheduled' || row.status === 'in_progress');
  if (!id) return undefined;
  const accept = rng.pick(['text/plain', 'application/xml', 'text/html', 'image/png', 'application/json;q=0']);
  const mutation = rng.pick(['cancelInterviewSession(id: $id) { id status }', 'deleteInterviewSession(id: $id)']);
  const request = graphqlRequest(rng, `mutation ($id: ID!) { ${mutation} }`, { id });
  request.headers.accept = accept;
  return {
    label: `${mutation.split('(')[0]} with accept ${accept}`,
    request,
    mustFail: true,
    verify: async () => {
      const row = model.rows.get(id)!;
      const [stored] = await db.query<{ status: Status }>('select status from interview_session where id = $1', [id]);
      if (!stored) {
        model.deleted(id);
        return ['the mutation was executed (session deleted) although the client got an error answer'];
      }
      if (stored.status !== row.status) {
        const was = row.status;
        row.status = stored.status;
        return [`the mutation was executed (status ${was} → ${stored.status}) although the client got an error answer`];
      }
      return [];
    },
  };
}
