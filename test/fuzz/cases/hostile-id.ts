import { CLIENT_CODES, type Case, type CaseContext } from '../case';
import { describeType, summary } from '../descriptions';
import { arrivesIntact, operation, pickDelivery, type Delivery } from '../documents';
import { graphqlRequest } from '../request';
import { idSample, type IdKind } from '../values/ids';

/** The operations that take a session id and nothing else. */
export type IdOperation =
  'interviewSession' | 'startInterviewSession' | 'completeInterviewSession' | 'cancelInterviewSession' | 'deleteInterviewSession';

/** What the id is to the server once delivered: anything that does not arrive as sent is a client error. */
function deliveredKind(sample: { value: unknown; kind: IdKind }, delivery: Delivery): IdKind {
  return arrivesIntact(sample.value, delivery) ? sample.kind : 'invalid';
}

/** The error codes an answer may carry for an id of this kind. */
function codesFor(kind: IdKind): readonly string[] {
  return kind === 'absent' ? ['NOT_FOUND'] : kind === 'either' ? [...CLIENT_CODES, 'NOT_FOUND'] : CLIENT_CODES;
}

/**
 * A hostile id for an operation that takes only an id: a malformed one must be rejected naming
 * the argument `id`, an absent one answered null (read), false (delete) or NOT_FOUND.
 */
export function hostileIdCase({ rng }: CaseContext, op: IdOperation): Case {
  const sample = idSample(rng);
  const delivery = pickDelivery(rng, false, true);
  const isQuery = op === 'interviewSession';
  const selection = op === 'deleteInterviewSession' ? '' : 'id status';
  const { query, variables } = operation(rng, isQuery ? 'query' : 'mutation', op, { id: { type: 'ID!', value: sample.value } }, selection, {
    arg: 'id',
    delivery,
  });
  const kind = deliveredKind(sample, delivery);
  return {
    label: `${op}(id: ${describeType(sample.value)}) via ${delivery}`,
    request: graphqlRequest(rng, query, variables, isQuery),
    mustFail: kind === 'invalid' || (kind === 'absent' && !isQuery && op !== 'deleteInterviewSession'),
    codes: codesFor(kind),
    verify: (body) => {
      if (kind !== 'absent') {
        const argument = (body.errors ?? []).find((e) => e.extensions?.code === 'BAD_USER_INPUT' && 'path' in e)?.extensions?.argument;
        return argument === undefined || argument === 'id' ? [] : [`BAD_USER_INPUT names argument ${summary(argument)}`];
      }
      if (isQuery) return body.data?.interviewSession === null && !body.errors ? [] : [`absent id answered ${summary(body)}`];
      if (op === 'deleteInterviewSession')
        return body.data?.deleteInterviewSession === false ? [] : [`delete of an absent id answered ${summary(body)}`];
      return [];
    },
  };
}

/** A hostile id for updateInterviewSession, with a valid input: it must fail, NOT_FOUND or a client error. */
export function hostileUpdateIdCase({ rng }: CaseContext): Case {
  const sample = idSample(rng);
  const delivery = pickDelivery(rng, false, true);
  const { query, variables } = operation(
    rng,
    'mutation',
    'updateInterviewSession',
    { id: { type: 'ID!', value: sample.value }, input: { type: 'UpdateInterviewSessionInput!', value: { title: 'Renamed' } } },
    'id',
    { arg: 'id', delivery },
  );
  return {
    label: `updateInterviewSession(id: ${describeType(sample.value)}) via ${delivery}`,
    request: graphqlRequest(rng, query, variables),
    mustFail: true,
    codes: codesFor(deliveredKind(sample, delivery)),
  };
}
