import { parseEventLogs, type Address, type Hex } from 'viem'
import { enigmaRecordsAbi } from '../generated/EnigmaRecords.ts'
import { ChainDataError, type ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { drawBlockHeader } from '../internal/draw-header.ts'
import { readRecords, writeRecords } from '../internal/records.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface DrawCustodyEpochParameters {
  /** EnigmaRecords address. */
  readonly address: Address
}
export type DrawCustodyEpochReturnType = ControllerWriteResult & (
  | { readonly drawn: true; readonly epoch: bigint; readonly seed: Hex; readonly custodians: readonly Address[] }
  /** The draw block was out of BLOCKHASH reach: the epoch now draws from `drawBlock`. */
  | { readonly drawn: false; readonly drawBlock: bigint }
)
export type DrawCustodyEpochErrorType = RecordRefusedError | ChainRequestError

/**
 * Step 2 of an epoch change (anyone, once the draw block is mined): sends the draw block's header so
 * the contract seeds the controller's selection with its prevRandao. Refusals: NoPendingEpoch,
 * DrawTooEarly, InvalidBlockHeader, NotEnoughActiveNodes (from the controller).
 */
export async function drawCustodyEpoch(client: ControllerWalletClient, params: DrawCustodyEpochParameters): Promise<DrawCustodyEpochReturnType> {
  const drawBlock = BigInt(await readRecords<bigint>('drawCustodyEpoch', client, params.address, 'pendingDrawBlock', []))
  const header = await drawBlockHeader('drawCustodyEpoch', client, drawBlock)
  const result = await writeRecords('drawCustodyEpoch', client, params.address, 'drawEpoch', [header])
  const [started] = parseEventLogs({ abi: enigmaRecordsAbi, eventName: 'EpochStarted', logs: result.receipt.logs })
  if (started) return { ...result, drawn: true, epoch: BigInt(started.args.epoch), seed: started.args.seed, custodians: started.args.custodians }
  const [moved] = parseEventLogs({ abi: enigmaRecordsAbi, eventName: 'EpochRetargeted', logs: result.receipt.logs })
  if (!moved) throw new ChainDataError('drawCustodyEpoch', `neither EpochStarted nor EpochRetargeted in ${result.hash}`)
  return { ...result, drawn: false, drawBlock: BigInt(moved.args.drawBlock) }
}
