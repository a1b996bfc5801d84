import { claimId, type Case, type CaseContext } from '../case';
import { summary } from '../descriptions';
import { operation, SESSION_FIELDS } from '../documents';
import { GRAPHQL_STATUS } from '../model';
import { graphqlRequest } from '../request';

/** Reads of model sessions (the id in either case), and of deleted ones: the row as the model has it, or null. */
export function readCase(context: CaseContext): Case | undefined {
  const { rng, model } = context;
  const gone = model.deletedIds.length > 0 && rng.chance(0.25) ? rng.pick(model.deletedIds) : undefined;
  const id = gone ?? claimId(context);
  if (!id) return undefined;
  const sent = rng.chance(0.2) ? id.toUpperCase() : id;
  const { query, variables } = operation(rng, 'query', 'interviewSession', { id: { type: 'ID!', value: sent } }, SESSION_FIELDS);
  return {
    label: gone ? 'read a deleted session' : 'read a session',
    request: graphqlRequest(rng, query, variables, true),
    verify: (body) => {
      const row = model.rows.get(id);
      const answer = body.data?.interviewSession;
      if (!row) return answer === null && !body.errors ? [] : [`read of a deleted session answered ${summary(body)}`];
      if (
        answer?.id !== id ||
        answer.status !== GRAPHQL_STATUS[row.status] ||
        answer.title !== row.title ||
        answer.candidateName !== row.candidateName
      ) {
        return [`read of ${summary(row)} answered ${summary(body)}`];
      }
      return [];
    },
  };
}
