import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
// The same rules eslint.config.mjs applies.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { layerRules } = require('../../eslint.layers.cjs') as { layerRules: (src: string, root: string) => object[] };

/**
 * The layers of src/ (eslint.layers.cjs), as `npm run lint` applies them: an import that points
 * the wrong way is an error; one that points down is not.
 */

const ROOT = join(__dirname, '../..');

async function problemsOf(file: string, source: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layerRules('src', ROOT)] as never,
  });
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('the layers of src/', () => {
  it.each([
    ['database/ importing graphql/', 'src/database/example.ts', "import { formatError } from '../graphql/format-error';"],
    ['database/pool/ importing http/', 'src/database/pool/example.ts', "import { sendError } from '../../http/error-handlers';"],
    ['observability/ importing graphql/', 'src/observability/example.ts', "import type { Context } from '../graphql/context';"],
    [
      'graphql/ importing a feature',
      'src/graphql/example.ts',
      "import { InterviewSession } from '../interview-sessions/interview-session.entity';",
    ],
    ['graphql/ importing the module list', 'src/graphql/example.ts', "import { resolvers } from '../modules';"],
    ['graphql/ importing tracing/', 'src/graphql/example.ts', "import type { Tracing } from '../tracing/tracing';"],
    ['a feature importing http/', 'src/interview-sessions/example.ts', "import { sendError } from '../http/error-handlers';"],
    ['idempotency/ importing graphql/', 'src/idempotency/example.ts', "import { clientErrorOf } from '../graphql/client-errors';"],
    ['a leaf file importing a folder', 'src/error-codes.ts', "import { loadConfig } from './config/config';"],
  ])('refuses %s', async (_case, file, source) => {
    expect(await problemsOf(file, source)).toEqual([expect.stringMatching(/^no-restricted-imports: .*eslint\.layers\.cjs/)]);
  });

  it.each([
    ['graphql/ importing database/', 'src/graphql/example.ts', "import { RequestDatabase } from '../database/request-database';"],
    ['a feature importing graphql/', 'src/interview-sessions/example.ts', "import type { Context } from '../graphql/context';"],
    ['http/ importing graphql/', 'src/http/example.ts', "import type { Context } from '../graphql/context';"],
    [
      'the module list importing a feature',
      'src/modules.ts',
      "import { interviewSessionsModule } from './interview-sessions/interview-sessions.module';",
    ],
  ])('allows %s', async (_case, file, source) => {
    expect(await problemsOf(file, source)).toEqual([]);
  });
});
