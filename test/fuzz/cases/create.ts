import { codesOf, type Case, type CaseContext } from '../case';
import { summary } from '../descriptions';
import { literal, SESSION_FIELDS } from '../documents';
import { graphqlRequest } from '../request';
import { VALID_DATES } from '../values/dates';
import { hasLoneSurrogate, VALID_TEXTS } from '../values/strings';

/** Valid creates, one or several in a document: each must be stored as sent, scheduled, with a version 7 id. */
export function createCase({ rng, model }: CaseContext): Case {
  const count = rng.chance(0.15) ? rng.int(2, 6) : 1;
  const inputs = Array.from({ length: count }, () => {
    const input: Record<string, unknown> = { title: rng.pick(VALID_TEXTS), candidateName: rng.pick(VALID_TEXTS) };
    const date = rng.pick(VALID_DATES);
    if (rng.chance(0.6)) input.scheduledAt = rng.chance(0.2) ? null : date.value;
    return input;
  });
  const byVariables = rng.chance(0.6);
  const calls = inputs.map(
    (input, i) => `c${i}: createInterviewSession(input: ${byVariables ? `$input${i}` : literal(input)}) { ${SESSION_FIELDS} }`,
  );
  const declarations = inputs.map((_, i) => `$input${i}: CreateInterviewSessionInput!`).join(', ');
  const query = byVariables ? `mutation Create(${declarations}) { ${calls.join(' ')} }` : `mutation { ${calls.join(' ')} }`;
  const variables = byVariables ? Object.fromEntries(inputs.map((input, i) => [`input${i}`, input])) : undefined;
  // A literal cannot carry a lone surrogate: such a document must fail to parse.
  const parsable =
    byVariables || inputs.every((input) => !hasLoneSurrogate(String(input.title)) && !hasLoneSurrogate(String(input.candidateName)));
  return {
    label: `create ${count} valid session(s) via ${byVariables ? 'variables' : 'literals'}`,
    request: graphqlRequest(rng, query, variables),
    mustFail: !parsable,
    verify: (body) => {
      const problems: string[] = [];
      inputs.forEach((input, i) => {
        const created = body.data?.[`c${i}`];
        if (created?.id) model.created(created);
        if (!parsable) return;
        if (!created) return void problems.push(`create c${i} of ${summary(input)} failed: ${codesOf(body).join(',')}`);
        if (created.status !== 'SCHEDULED' || created.title !== input.title || created.candidateName !== input.candidateName) {
          problems.push(`create c${i} answered ${summary(created)} for ${summary(input)}`);
        }
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(created.id))
          problems.push(`create returned id ${created.id}`);
        const expectedAt = typeof input.scheduledAt === 'string' ? new Date(input.scheduledAt).toISOString() : null;
        if (created.scheduledAt !== expectedAt) problems.push(`create stored scheduledAt ${created.scheduledAt}, expected ${expectedAt}`);
      });
      return problems;
    },
  };
}
