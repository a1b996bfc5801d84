import type { Case, CaseContext } from './case';
import { abusiveDocumentCase } from './cases/abusive-document';
import { bodySizeCase } from './cases/body-size';
import { createCase } from './cases/create';
import { deleteCase } from './cases/delete';
import { hostileArgumentCase } from './cases/hostile-argument';
import { listCase } from './cases/list';
import { malformedBodyCase } from './cases/malformed-body';
import { oddGetCase } from './cases/odd-get';
import { readCase } from './cases/read';
import { statusChangeCase } from './cases/status-change';
import { unacceptableAcceptCase } from './cases/unacceptable-accept';
import { updateCase } from './cases/update';
import { wrongContentTypeCase } from './cases/wrong-content-type';
import { wrongJsonShapeCase } from './cases/wrong-json-shape';

type Family = readonly [name: string, make: (context: CaseContext) => Case | undefined];

/**
 * The next case: a family drawn by weight, then a case of it. A family that needs a model row
 * none of this round's cases holds yet may find none free; then another family is drawn.
 */
export function generate(context: CaseContext): { family: string; fuzzCase: Case } {
  for (;;) {
    const [family, make] = context.rng.weighted<Family>([
      [10, ['malformed body', malformedBodyCase]],
      [9, ['wrong JSON shape', wrongJsonShapeCase]],
      [7, ['wrong content type', wrongContentTypeCase]],
      [8, ['odd GET/method/path', oddGetCase]],
      [2, ['body size', bodySizeCase]],
      [7, ['abusive document', abusiveDocumentCase]],
      [32, ['hostile argument', hostileArgumentCase]],
      // Many creates while the model is small, so the cases that need rows have some.
      [context.model.rows.size < 10 ? 20 : 8, ['valid create', createCase]],
      [8, ['valid status change', statusChangeCase]],
      [3, ['valid delete', deleteCase]],
      [1, ['mutation with unacceptable accept', unacceptableAcceptCase]],
      [3, ['valid update', updateCase]],
      [3, ['valid read', readCase]],
      [4, ['valid list', listCase]],
    ]);
    const fuzzCase = make(context);
    if (fuzzCase) return { family, fuzzCase };
  }
}
