// jest's transform for jose, which is published as ES modules only. The server loads it with
// Node 20's require(esm); jest's own module system cannot (before Node 24.9), so the tests get a
// CommonJS translation of it, and nothing else changes: class fields stay class fields. (ts-jest
// cannot do it: it keeps one compiler configuration for all files, the project's.)
const { createHash } = require('node:crypto');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  useDefineForClassFields: true,
  inlineSourceMap: true,
};

module.exports = {
  process(sourceText, sourcePath) {
    return { code: ts.transpileModule(sourceText, { fileName: sourcePath, compilerOptions }).outputText };
  },
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256').update(ts.version).update(sourcePath).update(sourceText).digest('hex');
  },
};
