import { isDeepStrictEqual } from 'node:util';
import { claimId, type Case, type CaseContext } from '../case';
import { describeType } from '../descriptions';
import { isProperDelivery, pickDelivery, sentAsLiteral, type ArgTarget } from '../documents';
import { dateSample, scheduledAtValidity } from '../values/dates';
import { SQL_STRINGS, textSample, textValidity, VALID_TEXTS } from '../values/strings';
import { and, type Sample, type Validity } from '../values/validity';
import { WRONG_TYPES } from '../values/wrong-types';
import { updateWith } from './update';

/** The input of updateInterviewSession under attack, or one field of it. */
export interface UpdateInputTarget {
  field?: 'title' | 'candidateName' | 'scheduledAt';
}

/**
 * A hostile input for updateInterviewSession on a model session, or a hostile value in one of
 * its fields: a valid update must change what it names, any other must be rejected.
 */
export function hostileUpdateInputCase(context: CaseContext, target: UpdateInputTarget): Case | undefined {
  const { rng } = context;
  const nested = target.field !== undefined;
  const id = claimId(context);
  if (!id) return undefined;
  const mode = pickDelivery(rng, nested, true);
  const wellDelivered = isProperDelivery(mode);
  if (target.field === undefined) {
    const sample = rng.pick<Sample>([
      // An empty input is a valid update that changes nothing.
      ...WRONG_TYPES.filter((wrong) => !isDeepStrictEqual(wrong, {})).map((wrong) => ({ value: wrong, valid: false })),
      { value: null, valid: false },
      { value: rng.pick(SQL_STRINGS), valid: false },
      { value: {}, valid: true },
      { value: { scheduledAt: null }, valid: true },
      { value: { title: null }, valid: false },
      { value: { candidateName: null }, valid: false },
      { value: { status: 'COMPLETED' }, valid: false },
      { value: { id: rng.uuidV4() }, valid: false },
      { value: { title: 'x', updatedAt: '2000-01-01T00:00:00Z' }, valid: false },
    ]);
    return updateWith(
      context,
      id,
      sample.value,
      `updateInterviewSession(input: ${describeType(sample.value)}) via ${mode}`,
      { arg: 'input', delivery: mode },
      wellDelivered ? sample.valid : false,
    );
  }
  const value = target.field === 'scheduledAt' ? dateSample(rng).value : textSample(rng);
  const input: Record<string, unknown> = { [target.field]: value };
  if (rng.chance(0.4)) input[target.field === 'title' ? 'candidateName' : 'title'] = rng.pick(VALID_TEXTS);
  const argTarget: ArgTarget = { arg: 'input', field: target.field, delivery: mode };
  const inlineFor = (key: string) => sentAsLiteral(argTarget, key);
  const fieldValidity: Validity =
    target.field === 'scheduledAt' ? scheduledAtValidity(value) : textValidity(value, inlineFor(target.field));
  const others = Object.entries(input)
    .filter(([key]) => key !== target.field)
    .map(([key, other]) => textValidity(other, inlineFor(key)));
  return updateWith(
    context,
    id,
    input,
    `updateInterviewSession(input.${target.field}: ${describeType(value)}) via ${mode}`,
    argTarget,
    wellDelivered ? and(fieldValidity, ...others) : false,
  );
}
