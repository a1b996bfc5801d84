import { claimId, type Case, type CaseContext } from '../case';
import { graphqlRequest } from '../request';

/** Deletes of model sessions, and of sessions deleted before: true exactly when the session existed. */
export function deleteCase(context: CaseContext): Case | undefined {
  const { rng, model } = context;
  const gone = model.deletedIds.length > 0 && rng.chance(0.3) ? rng.pick(model.deletedIds) : undefined;
  const id = gone ?? claimId(context);
  if (!id) return undefined;
  const byVariable = rng.chance(0.5);
  const query = byVariable
    ? 'mutation Delete($id: ID!) { deleteInterviewSession(id: $id) }'
    : `mutation { deleteInterviewSession(id: ${JSON.stringify(id)}) }`;
  return {
    label: gone ? 'delete a deleted session' : 'delete a session',
    request: graphqlRequest(rng, query, byVariable ? { id } : undefined),
    verify: (body) => {
      const answer = body.data?.deleteInterviewSession;
      const existed = model.rows.has(id);
      if (answer === true) model.deleted(id);
      return answer === existed ? [] : [`delete of a${existed ? 'n existing' : ' missing'} session answered ${JSON.stringify(body)}`];
    },
  };
}
