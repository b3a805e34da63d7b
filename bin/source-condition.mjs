// Inside the repository the package's own name (`enigma-ts`, `enigma-ts/sdk`, ...) resolves to the
// TypeScript sources through the `enigma-source` export condition (package.json `exports`); an
// installed copy has no src/ and resolves to dist/. The bin registers this hook in the repository
// (the same as `node --conditions=enigma-source`, which scripts/run-tests.mjs passes).
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('enigma-source') ? context.conditions : [...context.conditions, 'enigma-source']
  return nextResolve(specifier, { ...context, conditions })
}
