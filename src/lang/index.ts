/**
 * The secret-contract language. A contract module takes defineContract, the types and reveal from
 * this module and default-exports `defineContract({ name, params, inputs, compute })`
 * (docs/contracts.md).
 */
export * from './types.ts'
export * from './errors.ts'
export { SecretValue, SBool, SInt, SFixed, select, type Value, type Scalar, type BoolLike, type IntLike, type FixedLike } from './secret.ts'
export { min, max, argmax, argmin, sum, dot, readAt, writeAt } from './ops.ts'
export { sort, sortBy, sortingNetwork } from './sort.ts'
export { sigmoid } from './sigmoid.ts'
export { defineContract, reveal, revealTo, isOutput, persist, isNextState, type Contract, type ContractDefinition, type Output, type NextState, type StateValues, type ParamSpec, type SecretOf } from './contract.ts'
export { compileContract, traceContract, resolveParams, type Compiled, type CompileOptions } from './compile.ts'
export { lintContractSource, type LintDiagnostic, type LintHost } from './lint.ts'
