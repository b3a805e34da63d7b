/**
 * Canonical ABI encoding of a task's public parameters (TaskSpec.params): `abi.encode(string[] names,
 * int256[] values)` with names sorted by code unit, so one record has exactly one encoding and
 * `paramsHash = keccak256(encoding)` (computed by the controller) identifies it.
 */
import { decodeAbiParameters, encodeAbiParameters, keccak256, type Hex } from 'viem'
import { check } from '../common/errors.ts'
import { ChainDataError } from './errors.ts'

const PARAMS_ABI = [{ type: 'string[]' }, { type: 'int256[]' }] as const

export function encodeTaskParams(params: Readonly<Record<string, number>>): Hex {
  const names = Object.keys(params).sort()
  for (const name of names) {
    check(Number.isSafeInteger(params[name]), 'encodeTaskParams', `param ${name} must be a safe integer, got ${params[name]}`)
  }
  return encodeAbiParameters(PARAMS_ABI, [names, names.map((n) => BigInt(params[n]!))])
}

export function decodeTaskParams(encoded: Hex): Record<string, number> {
  let names: readonly string[], values: readonly bigint[]
  try {
    ;[names, values] = decodeAbiParameters(PARAMS_ABI, encoded)
  } catch (e) {
    throw new ChainDataError('decodeTaskParams', `not an encoding of (string[], int256[]): ${(e as Error).message.split('\n')[0]}`)
  }
  if (names.length !== values.length) throw new ChainDataError('decodeTaskParams', 'names and values differ in length')
  const out: Record<string, number> = {}
  names.forEach((name, i) => {
    const v = values[i]!
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ChainDataError('decodeTaskParams', `param ${name} is not a safe integer`)
    out[name] = Number(v)
  })
  return out
}

export function taskParamsHash(params: Readonly<Record<string, number>>): Hex {
  return keccak256(encodeTaskParams(params))
}
