import { keccak256, toHex, type Address, type Hex } from 'viem'
import type { Circuit } from '../../circuit/types.ts'
import { createState as chainCreateState } from '../../chain/actions/createState.ts'
import type { StateRefusedError } from '../../chain/state-errors.ts'
import type { ChainRequestError } from '../../chain/errors.ts'
import { stateTypeHash } from '../../node/state-type.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { stateAddress } from '../internal/task-state.ts'

export interface CreateStateParameters {
  /**
   * The compiled circuits allowed to compute on the state (1 to 16), e.g. running-ballot with
   * `close = 0` and with `close = 1`; each open to anyone, or to one `caller`. They must declare the
   * same state. Pass the compiler's `{ circuit, codeHash }` (a `Compiled`). Fixed for good: nobody can add a program later.
   */
  readonly programs: readonly { readonly circuit: Circuit; readonly codeHash: Hex; readonly caller?: Address }[]
  /** Makes the id (default: random). */
  readonly salt?: Hex
}
export interface CreateStateReturnType {
  readonly stateId: Hex
  readonly typeHash: Hex
  readonly transactionHash: Hex
  readonly gasUsed: bigint
}
export type CreateStateErrorType = StateRefusedError | ChainRequestError | SdkError

/** A new instance of a contract's persistent state at version 0 (zeros), created by the client's account. */
export async function createState(client: EnigmaClient, params: CreateStateParameters): Promise<CreateStateReturnType> {
  const wallet = requireWallet(client, 'createState')
  if (params.programs.length === 0) throw new SdkError('SDK_INPUT_INVALID', 'createState: name at least one compiled circuit')
  const hashes = params.programs.map((p) => {
    if (!p.circuit.state) throw new SdkError('SDK_INPUT_INVALID', `createState: ${p.circuit.name} declares no state`)
    return stateTypeHash(p.circuit)
  })
  if (new Set(hashes).size !== 1) throw new SdkError('SDK_INPUT_INVALID', 'createState: the circuits declare different states (types or fields)')
  const salt = params.salt ?? keccak256(toHex(crypto.getRandomValues(new Uint8Array(32))))
  const r = await chainCreateState(wallet, {
    address: stateAddress(client, 'createState'), salt, typeHash: hashes[0]!,
    programs: params.programs.map((p) => ({ codeHash: p.codeHash, ...(p.caller ? { caller: p.caller } : {}) })),
  })
  return { stateId: r.stateId, typeHash: hashes[0]!, transactionHash: r.hash, gasUsed: r.gasUsed }
}
