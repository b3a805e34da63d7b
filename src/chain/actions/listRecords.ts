import { getAbiItem, type Address, type Hex } from 'viem'
import { getLogs } from 'viem/actions'
import { enigmaRecordsAbi } from '../generated/EnigmaRecords.ts'
import { toChainError, type ChainRequestError } from '../errors.ts'
import { readRecords } from '../internal/records.ts'
import type { ControllerReadClient } from '../internal/write.ts'
import { getRecord, type RecordInfo } from './getRecord.ts'

export interface ListRecordsParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  /** Only this owner's records (default: everyone's). */
  readonly owner?: Address
}
export type ListRecordsReturnType = readonly RecordInfo[]
export type ListRecordsErrorType = ChainRequestError

/** Records from the RecordStored events since the contract's deployment, with their current state. */
export async function listRecords(client: ControllerReadClient, params: ListRecordsParameters): Promise<ListRecordsReturnType> {
  const fromBlock = BigInt(await readRecords<bigint>('listRecords', client, params.address, 'deploymentBlock', []))
  let logs
  try {
    logs = await getLogs(client, {
      address: params.address, event: getAbiItem({ abi: enigmaRecordsAbi, name: 'RecordStored' }),
      args: params.owner ? { owner: params.owner } : undefined, fromBlock, toBlock: 'latest',
    })
  } catch (e) {
    throw toChainError('listRecords', e)
  }
  const ids = logs.map((l) => l.args.recordId as Hex)
  return Promise.all(ids.map((recordId) => getRecord(client, { address: params.address, recordId })))
}
