/**
 * The type of a contract's persistent state as the chain records it (contracts/EnigmaState.sol
 * `typeHash`): the declared fields in order and the field of the circuit (a p61 sharing cannot become
 * a p127 one without reconstructing it). Every circuit allowed on one state must declare exactly this
 * type, so the nodes check it before they compute or hand a version on:
 *
 *   typeHash = keccak256("enigma.state-type.v1" ‖ 0x00 ‖ field ‖ 0x00 ‖ canonical JSON of { name: type, … })
 *
 * Browser-safe (@noble/hashes only): the SDK uses it to create a state.
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import type { Circuit, ValueType } from '../circuit/types.ts'
import { canonicalRecordType } from './record-type.ts'

export const STATE_TYPE_LABEL = 'enigma.state-type.v1'

/** The state of a circuit as one object type (declared order), or undefined for a stateless circuit. */
export function stateValueType(c: Circuit): ValueType | undefined {
  return c.state ? { kind: 'object', fields: c.state.read.map((r) => [r.name, r.type] as const) } : undefined
}

export function stateTypeHash(c: Circuit): `0x${string}` {
  const type = stateValueType(c)
  if (!type) throw new Error(`${c.name} declares no state`)
  // An object type's fields are a list in canonical JSON: the declared order is part of the hash.
  const text = `${STATE_TYPE_LABEL}\u0000${c.field}\u0000${canonicalRecordType({ type, field: c.field })}`
  return `0x${Array.from(keccak_256(new TextEncoder().encode(text)), (b) => b.toString(16).padStart(2, '0')).join('')}`
}
