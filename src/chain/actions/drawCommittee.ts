import { parseEventLogs, type Address, type Hex } from 'viem'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { ChainDataError, type ChainRequestError, type ControllerRevertError } from '../errors.ts'
import { drawBlockHeader } from '../internal/draw-header.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'
import { readController } from '../internal/read.ts'

export interface DrawCommitteeParameters {
  readonly address: Address
  readonly taskId: Hex
}
export type DrawCommitteeReturnType = ControllerWriteResult & (
  | { readonly drawn: true; readonly seed: Hex; readonly committee: readonly Address[] }
  /** The draw block was out of BLOCKHASH reach: the task now draws from `drawBlock`. */
  | { readonly drawn: false; readonly drawBlock: bigint }
)
export type DrawCommitteeErrorType = ControllerRevertError | ChainRequestError

/**
 * Step 2 of a task, callable by anyone once the draw block is mined: sends the draw block's header so
 * the controller seeds the selection with its prevRandao. Refusals: DrawTooEarly, InvalidBlockHeader,
 * TaskNotOpen (already drawn), DeadlinePassed, NotEnoughActiveNodes.
 */
export async function drawCommittee(client: ControllerWalletClient, params: DrawCommitteeParameters): Promise<DrawCommitteeReturnType> {
  const task = await readController<{ drawBlock: bigint }>('drawCommittee', client, params, 'getTask', [params.taskId])
  // The header exists once the draw block is mined; the draw itself then lands in a later block.
  const header = await drawBlockHeader('drawCommittee', client, BigInt(task.drawBlock))
  const result = await writeController('drawCommittee', client, { address: params.address }, 'drawCommittee', [params.taskId, header])
  const [drawn] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'CommitteeDrawn', logs: result.receipt.logs })
  if (drawn) return { ...result, drawn: true, seed: drawn.args.seed, committee: drawn.args.committee }
  const [moved] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'DrawRetargeted', logs: result.receipt.logs })
  if (!moved) throw new ChainDataError('drawCommittee', `neither CommitteeDrawn nor DrawRetargeted in ${result.hash}`)
  return { ...result, drawn: false, drawBlock: moved.args.drawBlock }
}
