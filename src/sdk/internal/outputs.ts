/**
 * Outputs as the client receives them: public ones from the receipt, private ones as shares from every
 * committee member (reconstructed here with the rule of sharing/reconstruct-checked.ts).
 */
import type { Hex } from 'viem'
import type { Circuit } from '../../circuit/types.ts'
import { decodeValue, toSigned, type OutputJson } from '../../circuit/values.ts'
import { getField } from '../../field/create.ts'
import type { Field, FieldVector } from '../../field/types.ts'
import { isEnigmaError } from '../../common/errors.ts'
import { reconstructChecked, minSharesToDetermine, type CheckedReconstruction } from '../../sharing/reconstruct-checked.ts'
import { SdkError } from '../errors.ts'
import { decodePublicOutputs as splitPublicOutputs } from '../../node/typed-outputs.ts'

/**
 * A private output from the members' shares (null = missing or undecryptable). The value is returned
 * only when the t members that may be corrupt cannot have chosen it: at least 2t + 1 shares on one
 * degree-t polynomial, or wrong shares corrected within the radius that is certain for t corruptions
 * (n ≥ 2t + 2 corrects one, n ≥ 3t + 1 corrects t). Otherwise SDK_OUTPUT_UNAVAILABLE (too few shares:
 * with n = 2t + 1 every member must answer) or SDK_OUTPUT_INCONSISTENT (a member sent a wrong share),
 * and no value.
 */
export function reconstructPrivateOutput(field: Field, shares: readonly (FieldVector | null)[], t: number, name: string): CheckedReconstruction {
  const present = shares.filter(Boolean).length
  const needed = minSharesToDetermine(t, t)
  if (present < needed) {
    throw new SdkError('SDK_OUTPUT_UNAVAILABLE', `only ${present} of ${shares.length} members delivered a valid share of '${name}'; ${needed} are needed so that ${t} corrupt members cannot choose the value`)
  }
  try {
    return reconstructChecked(field, shares, t, { t, correct: true, fn: 'getOutput' })
  } catch (e) {
    if (isEnigmaError(e, 'SHARING_INCONSISTENT') || isEnigmaError(e, 'SHARING_UNDETERMINED')) {
      throw new SdkError('SDK_OUTPUT_INCONSISTENT', `shares of '${name}' are inconsistent: a member sent a wrong share`, { cause: e })
    }
    throw e
  }
}

/**
 * The field elements of the public outputs by name, from the receipt's `abi.encode(string[] names,
 * uint256[][] fieldValues, bytes typed)` (src/node/typed-outputs.ts).
 */
export function decodePublicOutputs(publicOutputs: Hex): Record<string, bigint[]> {
  return splitPublicOutputs(publicOutputs).fieldValues
}

/** Field elements → JSON values by the circuit's declared output types (signed, fixed point, bool). */
export function typedOutputs(circuit: Pick<Circuit, 'field' | 'outputs'>, raw: Readonly<Record<string, readonly bigint[]>>): Record<string, OutputJson> {
  const p = getField(circuit.field).p
  const out: Record<string, OutputJson> = {}
  for (const o of circuit.outputs) {
    const xs = raw[o.name]
    if (xs) out[o.name] = decodeValue(o.type, xs.map((x) => toSigned(x, p)))
  }
  return out
}
