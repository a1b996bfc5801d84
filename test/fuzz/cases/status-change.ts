import { isDeepStrictEqual } from 'node:util';
import { claimId, type Case, type CaseContext } from '../case';
import { summary } from '../descriptions';
import { GRAPHQL_STATUS, type Status } from '../model';
import { graphqlRequest } from '../request';

/**
 * Start, complete and cancel, alone or two in a row, on a model session: allowed transitions must
 * happen, the others must fail with INVALID_STATUS_TRANSITION naming the current status.
 */

type Action = 'start' | 'complete' | 'cancel';
const TRANSITIONS: Record<Action, { from: Status[]; to: Status; mutation: string }> = {
  start: { from: ['scheduled'], to: 'in_progress', mutation: 'startInterviewSession' },
  complete: { from: ['in_progress'], to: 'completed', mutation: 'completeInterviewSession' },
  cancel: { from: ['scheduled', 'in_progress'], to: 'cancelled', mutation: 'cancelInterviewSession' },
};

export function statusChangeCase(context: CaseContext): Case | undefined {
  const { rng, model } = context;
  const id = claimId(context);
  if (!id) return undefined;
  const actions = rng.chance(0.2)
    ? [rng.pick<Action>(['start', 'complete', 'cancel']), rng.pick<Action>(['start', 'complete', 'cancel'])]
    : [rng.pick<Action>(['start', 'start', 'complete', 'complete', 'cancel'])];
  const sentId = rng.chance(0.2) ? id.toUpperCase() : id;
  const byVariable = rng.chance(0.5);
  const calls = actions.map(
    (action, i) =>
      `s${i}: ${TRANSITIONS[action].mutation}(id: ${byVariable ? '$id' : JSON.stringify(sentId)}) { id status startedAt completedAt }`,
  );
  const query = byVariable ? `mutation Change($id: ID!) { ${calls.join(' ')} }` : `mutation { ${calls.join(' ')} }`;
  return {
    label: `${actions.join(' then ')} a session`,
    request: graphqlRequest(rng, query, byVariable ? { id: sentId } : undefined),
    verify: (body) => {
      if (!('data' in body)) return [`status change failed before execution: ${summary(body)}`];
      const problems: string[] = [];
      // Mutations run one after the other; the first that fails (its field is non-null) ends the operation.
      for (const [i, action] of actions.entries()) {
        const row = model.rows.get(id)!;
        const transition = TRANSITIONS[action];
        const answer = body.data?.[`s${i}`];
        const error = (body.errors ?? []).find((e) => isDeepStrictEqual((e as { path?: unknown }).path, [`s${i}`]));
        if (transition.from.includes(row.status)) {
          if (error) {
            problems.push(`${action} of a ${row.status} session failed: ${summary(error)}`);
            break;
          }
          row.status = transition.to;
          if (body.data !== null && (answer?.status !== GRAPHQL_STATUS[transition.to] || answer?.id !== id)) {
            problems.push(`${action} answered ${summary(answer)}`);
          }
        } else {
          const expected = { code: 'INVALID_STATUS_TRANSITION', status: GRAPHQL_STATUS[row.status] };
          if (!isDeepStrictEqual(error?.extensions, expected))
            problems.push(`${action} of a ${row.status} session answered ${summary(answer)} ${summary(error)}`);
          if (!answer?.status) break;
          row.status = Object.entries(GRAPHQL_STATUS).find(([, name]) => name === answer.status)![0] as Status;
        }
      }
      return problems;
    },
  };
}
