import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeInputs } from '../internal/inputs.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface CommitInputRootParameters {
  /** The inputs contract (contracts/EnigmaInputs.sol). */
  readonly address: Address
  readonly taskId: Hex
  readonly root: Hex
  /** Number of leaves under the root. */
  readonly count: number
  /** EIP-712 `InputRoot` signatures of distinct committee members (src/node/input-batch.ts). */
  readonly signatures: readonly Hex[]
}
export type CommitInputRootReturnType = ControllerWriteResult
export type CommitInputRootErrorType = ControllerRevertError | ChainRequestError

/**
 * Commits a task's input root with at least n − t members' signatures, before the cut-off.
 * Refusals: EmptyBatch, RootAlreadyCommitted, TaskNotOpen, TooManyLeaves, CutoffPassed,
 * NotCommitteeMember, DuplicateSigner, TooFewSignatures, ECDSAInvalidSignature*.
 */
export function commitInputRoot(client: ControllerWalletClient, params: CommitInputRootParameters): Promise<CommitInputRootReturnType> {
  return writeInputs('commitInputRoot', client, params.address, 'commitRoot', [params.taskId, params.root, params.count, params.signatures])
}
