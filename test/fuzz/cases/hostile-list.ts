import { CLIENT_CODES, type Case, type CaseContext } from '../case';
import { describeType, summary } from '../descriptions';
import { arrivesIntact, operation, pickDelivery, SESSION_FIELDS, STATUS_KEYS, type ArgSpec } from '../documents';
import { graphqlRequest } from '../request';
import { dateSample } from '../values/dates';
import { FIRST_VALUES, hostileCursors } from '../values/paging';
import { hostileString, SQL_STRINGS, UNICODE_STRINGS } from '../values/strings';
import type { Sample, Validity } from '../values/validity';
import { WRONG_TYPES } from '../values/wrong-types';

/** The argument of interviewSessions under attack: first, after, the filter, or one field of it. */
export interface ListTarget {
  arg: 'first' | 'after' | 'filter';
  field?: 'status' | 'createdAfter' | 'createdBefore';
}

/** A hostile paging or filter argument of interviewSessions: valid ones answered with a page, the others rejected as client errors. */
export function hostileListCase({ rng }: CaseContext, target: ListTarget): Case {
  const nested = target.field !== undefined;
  let sample: Sample;
  const filter: Record<string, unknown> = rng.chance(0.5) ? { status: rng.pick([...STATUS_KEYS]) } : {};
  const args: Record<string, ArgSpec> = {
    filter: { type: 'InterviewSessionFilter', value: filter, omit: rng.chance(0.3) },
    first: { type: 'Int', value: rng.pick([1, 5, 100]), omit: rng.chance(0.5) },
    after: { type: 'String', value: null, omit: true },
  };
  if (target.arg === 'first') {
    sample = rng.pick(FIRST_VALUES);
    args.first = { type: 'Int', value: sample.value };
  } else if (target.arg === 'after') {
    sample = rng.weighted<() => Sample>([
      [6, () => rng.pick(hostileCursors(rng))],
      [2, () => ({ value: hostileString(rng), valid: false })],
      [1, () => ({ value: rng.pick(WRONG_TYPES), valid: false })],
      [1, () => ({ value: null, valid: true })],
    ])();
    args.after = { type: 'String', value: sample.value };
  } else if (target.field === undefined) {
    sample = rng.pick<Sample>([
      ...WRONG_TYPES.filter((value) => typeof value !== 'object' || Array.isArray(value) || value === null).map((value) => ({
        value,
        valid: false,
      })),
      { value: 'SCHEDULED', valid: false },
      { value: rng.pick(SQL_STRINGS), valid: false },
      { value: null, valid: true },
      { value: {}, valid: true },
      { value: { status: null, createdAfter: null, createdBefore: null }, valid: true },
      { value: { createdAfter: '2030-01-01T00:00:00Z', createdBefore: '1970-01-01T00:00:00Z' }, valid: true },
      { value: { status: 'SCHEDULED', sql: "1' or '1'='1" }, valid: false },
      { value: { status: 'SCHEDULED', where: 'true' }, valid: false },
      { value: { status: ['SCHEDULED', 'COMPLETED'] }, valid: false },
    ]);
    args.filter = { type: 'InterviewSessionFilter', value: sample.value };
  } else if (target.field === 'status') {
    const value = rng.pick<unknown>([
      'scheduled',
      'IN PROGRESS',
      'in_progress',
      'Scheduled',
      '',
      'SCHEDULED ',
      'DELETED',
      rng.pick(SQL_STRINGS),
      rng.pick(UNICODE_STRINGS),
      null,
      ...WRONG_TYPES,
      'SCHEDULED',
      'CANCELLED',
    ]);
    sample = { value, valid: value === null || (typeof value === 'string' && STATUS_KEYS.has(value)) };
    args.filter = { type: 'InterviewSessionFilter', value: { ...filter, status: value } };
  } else {
    sample = dateSample(rng);
    args.filter = { type: 'InterviewSessionFilter', value: { ...filter, [target.field]: sample.value } };
  }
  const mode = pickDelivery(rng, nested, false);
  args[target.arg]!.omit = false;
  const { query, variables } = operation(
    rng,
    'query',
    'interviewSessions',
    args,
    rng.pick(['totalCount nodes { id status }', 'edges { cursor } pageInfo { hasPreviousPage endCursor }', `nodes { ${SESSION_FIELDS} }`]),
    {
      arg: target.arg,
      field: target.field,
      delivery: mode,
    },
  );
  // A missing nullable variable is no error; an undeclared or wrongly declared one always is.
  const validity: Validity = arrivesIntact(sample.value, mode) ? sample.valid : false;
  return {
    label: `interviewSessions(${target.arg}${target.field ? `.${target.field}` : ''}: ${describeType(sample.value)}) via ${mode}`,
    request: graphqlRequest(rng, query, variables, true),
    mustFail: validity === false,
    codes: CLIENT_CODES,
    verify: (body) =>
      validity === true && (!body.data?.interviewSessions || body.errors) ? [`valid list arguments answered ${summary(body)}`] : [],
  };
}
