// The layers of src/, kept by ESLint (no-restricted-imports): `npm run lint` fails on an import
// that points the wrong way. Lowest first: a folder imports only the folders before it in LAYERS,
// so no two folders import each other. Every folder of src/ not listed is a feature (an entity
// and its resolvers): features may use each other's entities, and only the top files
// (app.ts, main.ts, modules.ts, emit-schema.ts) import them. The leaf files beside them
// (error-codes.ts, startup-error.ts, feature-module.ts, service-name.ts, sha256.ts) import no folder, so every layer may use them.
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** The layers, lowest first; FEATURES stands for every unlisted folder. */
const LAYERS = [
  'config',
  'observability',
  'domain',
  'database',
  'auth',
  'idempotency',
  'graphql',
  'connections',
  'tracing',
  'FEATURES',
  'http',
];
const TOP_FILES = ['app', 'main', 'modules', 'emit-schema'];
const LEAF_FILES = ['error-codes', 'startup-error', 'feature-module', 'service-name', 'sha256'];
/** Generated, or not code of the server. */
const OUTSIDE_THE_LAYERS = ['migrations'];

/** An import that climbs out of its folder into `folder` (or one of the top files). */
const into = (name) => `^(\\.\\./)+${name}(/|$)`;

function featuresIn(srcDir) {
  return readdirSync(srcDir).filter(
    (name) => statSync(join(srcDir, name)).isDirectory() && !LAYERS.includes(name) && !OUTSIDE_THE_LAYERS.includes(name),
  );
}

/** The flat-config blocks that keep the layers of `srcDir` (relative to the config file: 'src'). */
function layerRules(srcDir, root) {
  const features = featuresIn(join(root, srcDir));
  const expand = (layer) => (layer === 'FEATURES' ? features : [layer]);
  const restrict = (folders, forbidden, why) => ({
    files: folders.map((folder) => `${srcDir}/${folder}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: forbidden.map((name) => ({ regex: into(name), message: `${why} (eslint.layers.cjs).` })) },
      ],
    },
  });
  const blocks = LAYERS.map((layer, index) =>
    restrict(
      expand(layer),
      [...LAYERS.slice(index + 1).flatMap(expand), ...TOP_FILES],
      layer === 'FEATURES'
        ? 'A feature is imported by the module list alone, and imports no layer above it'
        : `${layer}/ imports only the layers below it: ${LAYERS.slice(0, index).join(', ') || 'none'}`,
    ),
  );
  blocks.push({
    files: LEAF_FILES.map((file) => `${srcDir}/${file}.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\./[^/]+/', message: 'A leaf file imports no folder of src/ (eslint.layers.cjs).' }] },
      ],
    },
  });
  return blocks;
}

module.exports = { LAYERS, layerRules };
