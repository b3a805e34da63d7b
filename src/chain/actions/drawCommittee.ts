import { parseEventLogs, type Address, type Hex } from 'viem'
import { getBlockNumber } from 'viem/actions'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { ChainDataError, ChainRequestError, toChainError, type ControllerRevertError } from '../errors.ts'
import { encodeBlockHeader, type RpcBlockHeader } from '../block-header.ts'
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
  const drawBlock = BigInt(task.drawBlock)
  let header: Hex = '0x'
  // The header exists once the draw block is mined; the draw itself then lands in a later block.
  if (drawBlock > 0n && drawBlock <= (await getBlockNumber(client, { cacheTime: 0 }))) {
    let block: RpcBlockHeader | null
    try {
      block = await client.request({ method: 'eth_getBlockByNumber', params: [`0x${drawBlock.toString(16)}`, false] }) as RpcBlockHeader | null
    } catch (e) {
      throw toChainError('drawCommittee', e)
    }
    if (!block) throw new ChainRequestError('drawCommittee', `block ${drawBlock} not found`)
    header = encodeBlockHeader(block)
  }
  const result = await writeController('drawCommittee', client, { address: params.address }, 'drawCommittee', [params.taskId, header])
  const [drawn] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'CommitteeDrawn', logs: result.receipt.logs })
  if (drawn) return { ...result, drawn: true, seed: drawn.args.seed, committee: drawn.args.committee }
  const [moved] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'DrawRetargeted', logs: result.receipt.logs })
  if (!moved) throw new ChainDataError('drawCommittee', `neither CommitteeDrawn nor DrawRetargeted in ${result.hash}`)
  return { ...result, drawn: false, drawBlock: moved.args.drawBlock }
}
