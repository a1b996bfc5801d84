import { CLIENT_CODES, type Case, type CaseContext } from '../case';
import { describeType, summary } from '../descriptions';
import { isProperDelivery, operation, pickDelivery, sentAsLiteral, SESSION_FIELDS, type ArgTarget } from '../documents';
import { graphqlRequest } from '../request';
import { dateSample } from '../values/dates';
import { SQL_STRINGS, textSample, textValidity, VALID_TEXTS } from '../values/strings';
import { and, type Sample, type Validity } from '../values/validity';
import { WRONG_TYPES } from '../values/wrong-types';

/** The input of createInterviewSession under attack, or one field of it. */
export interface CreateTarget {
  field?: 'title' | 'candidateName' | 'scheduledAt';
}

/**
 * A hostile input for createInterviewSession, or a hostile value in one of its fields, next to
 * valid ones: a valid input must create the session as sent, any other must be rejected.
 */
export function hostileCreateCase({ rng, model }: CaseContext, target: CreateTarget): Case {
  const nested = target.field !== undefined;
  const input: Record<string, unknown> = { title: rng.pick(VALID_TEXTS), candidateName: rng.pick(VALID_TEXTS) };
  let value: unknown = input;
  let validity: Validity;
  const mode = pickDelivery(rng, nested, true);
  const argTarget: ArgTarget = { arg: 'input', field: target.field, delivery: mode };
  const inlineFor = (key: string) => sentAsLiteral(argTarget, key);
  if (target.field === 'title' || target.field === 'candidateName') {
    input[target.field] = textSample(rng);
    validity = and(textValidity(input.title, inlineFor('title')), textValidity(input.candidateName, inlineFor('candidateName')));
  } else if (target.field === 'scheduledAt') {
    const sample = dateSample(rng);
    input.scheduledAt = sample.value;
    validity = and(
      sample.valid,
      textValidity(input.title, inlineFor('title')),
      textValidity(input.candidateName, inlineFor('candidateName')),
    );
  } else {
    const sample = rng.pick<Sample>([
      ...WRONG_TYPES.map((wrong) => ({ value: wrong, valid: false })),
      { value: null, valid: false },
      { value: rng.pick(SQL_STRINGS), valid: false },
      { value: { title: 'x' }, valid: false },
      { value: { candidateName: 'x' }, valid: false },
      { value: { ...input, status: 'COMPLETED' }, valid: false },
      { value: { ...input, id: rng.uuidV4() }, valid: false },
      { value: { ...input, createdAt: '2000-01-01T00:00:00Z' }, valid: false },
      { value: { ...input, title: [input.title] }, valid: false },
    ]);
    value = sample.value;
    validity = sample.valid;
  }
  if (!isProperDelivery(mode)) validity = false;
  const { query, variables } = operation(
    rng,
    'mutation',
    'createInterviewSession',
    { input: { type: 'CreateInterviewSessionInput!', value } },
    SESSION_FIELDS,
    argTarget,
  );
  return {
    label: `createInterviewSession(input${target.field ? `.${target.field}` : ''}: ${describeType(target.field ? input[target.field] : value)}) via ${mode}`,
    request: graphqlRequest(rng, query, variables),
    mustFail: validity === false,
    codes: CLIENT_CODES,
    verify: (body) => {
      const created = body.data?.createInterviewSession;
      if (created?.id) model.created(created);
      if (validity === true && !created) return [`valid create ${summary(input)} answered ${summary(body)}`];
      if (created && (created.title !== input.title || created.candidateName !== input.candidateName))
        return [`create stored ${summary(created)} for ${summary(input)}`];
      return [];
    },
  };
}
