import { CLIENT_CODES, claimId, type Case, type CaseContext } from '../case';
import { summary } from '../descriptions';
import { operation, sentAsLiteral, SESSION_FIELDS, type ArgTarget } from '../documents';
import { GRAPHQL_STATUS } from '../model';
import { graphqlRequest } from '../request';
import { scheduledAtValidity, VALID_DATES } from '../values/dates';
import { textValidity, VALID_TEXTS } from '../values/strings';
import { and, type Validity } from '../values/validity';

/** Valid updates of model sessions: the answer must carry the new values and leave the status alone. */
export function updateCase(context: CaseContext): Case | undefined {
  const { rng } = context;
  const id = claimId(context);
  if (!id) return undefined;
  const input: Record<string, unknown> = {};
  if (rng.chance(0.6)) input.title = rng.pick(VALID_TEXTS);
  if (rng.chance(0.5)) input.candidateName = rng.pick(VALID_TEXTS);
  if (rng.chance(0.4)) input.scheduledAt = rng.chance(0.3) ? null : rng.pick(VALID_DATES).value;
  return updateWith(context, id, input, 'update a session with valid input', {
    arg: 'input',
    delivery: rng.chance(0.5) ? 'vars' : 'inline',
  });
}

/** updateInterviewSession on a model id; the expectation follows from the validity of each field. */
export function updateWith(
  { rng, model }: CaseContext,
  id: string,
  input: unknown,
  label: string,
  target: ArgTarget,
  validity?: Validity,
): Case {
  const fields = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  const expected: Validity =
    validity ??
    (fields
      ? and(
          ...Object.entries(fields).map(([key, value]): Validity => {
            if (key === 'title' || key === 'candidateName') return textValidity(value, sentAsLiteral(target, key));
            if (key === 'scheduledAt') return scheduledAtValidity(value);
            return false;
          }),
        )
      : false);
  const { query, variables } = operation(
    rng,
    'mutation',
    'updateInterviewSession',
    { id: { type: 'ID!', value: id }, input: { type: 'UpdateInterviewSessionInput!', value: input } },
    SESSION_FIELDS,
    target,
  );
  return {
    label,
    request: graphqlRequest(rng, query, variables),
    mustFail: expected === false,
    codes: CLIENT_CODES,
    verify: (body) => {
      const row = model.rows.get(id)!;
      const answer = body.data?.updateInterviewSession;
      const problems: string[] = [];
      if (answer) {
        row.title = String(answer.title);
        row.candidateName = String(answer.candidateName);
        if (answer.status !== GRAPHQL_STATUS[row.status]) problems.push(`update changed the status to ${answer.status}`);
      }
      if (expected === true) {
        if (!answer) problems.push(`valid update ${summary(input)} answered ${summary(body)}`);
        else if (fields) {
          for (const [key, value] of Object.entries(fields)) {
            const want = key === 'scheduledAt' && typeof value === 'string' ? new Date(value).toISOString() : value;
            if (answer[key] !== want) problems.push(`update set ${key} to ${summary(answer[key])}, expected ${summary(want)}`);
          }
        }
      }
      return problems;
    },
  };
}
