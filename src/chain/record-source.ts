/**
 * The chain's side of custody (src/node/record-source.ts) over contracts/EnigmaRecords.sol: records,
 * the use bound to a task input with the grant that paid for it, and deletions. The CLI hands it to
 * `SecretNode` (`records` option); the node layer never imports this file.
 */
import { encodeAbiParameters, getAbiItem, keccak256, zeroHash, type Address, type Hex } from 'viem'
import { getBlock, getLogs } from 'viem/actions'
import { enigmaRecordsAbi } from './generated/EnigmaRecords.ts'
import { toChainError } from './errors.ts'
import { RecordRefusedError } from './record-errors.ts'
import { readRecords } from './internal/records.ts'
import type { ControllerReadClient } from './internal/write.ts'
import { headBlockNumber } from './internal/head.ts'
import { getRecord } from './actions/getRecord.ts'
import { getNode } from './actions/getNode.ts'
import type { ChainGrant, ChainRecord, ChainRecordUse, NodePeer, RecordSource } from '../node/record-source.ts'

export interface ChainSourceOptions {
  /** How old a block number the event reads may take from the client's cache (ms, default 0: always asked; internal/head.ts). */
  readonly headCacheMs?: number
}

export function chainRecordSource(client: ControllerReadClient, address: Address, options: ChainSourceOptions = {}): RecordSource {
  let deployment: bigint | undefined
  const deploymentBlock = async () => deployment ??= BigInt(await readRecords<bigint>('recordSource', client, address, 'deploymentBlock', []))
  let controller: Address | undefined
  const controllerAddress = async () => controller ??= await readRecords<Address>('recordSource', client, address, 'controller', [])
  /** The block range to read events from: `fromBlock` (default: deployment) to the latest, or none yet. */
  const rangeSince = async (fromBlock: bigint | undefined) => {
    const from = fromBlock ?? await deploymentBlock()
    const latest = await headBlockNumber(client, options.headCacheMs ?? 0)
    return { from, latest }
  }
  return {
    async getRecord(recordId): Promise<ChainRecord | undefined> {
      try {
        const { handoffEpoch, handoffAttempt, handoffVotes, ...record } = await getRecord(client, { address, recordId })
        return handoffEpoch === 0n ? record : { ...record, handoff: { epoch: handoffEpoch, attempt: handoffAttempt, votes: handoffVotes } }
      } catch (e) {
        if (e instanceof RecordRefusedError && e.code === 'RECORD_UNKNOWN') return undefined
        throw e
      }
    },
    async getUse(taskId, slot): Promise<ChainRecordUse | undefined> {
      const key = keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [taskId, BigInt(slot)]))
      const recordId = await readRecords<Hex>('recordSource', client, address, 'slotRecord', [key])
      if (recordId === zeroHash) return undefined
      let logs
      try {
        logs = await getLogs(client, {
          address, event: getAbiItem({ abi: enigmaRecordsAbi, name: 'RecordUsed' }), args: { recordId, taskId },
          fromBlock: await deploymentBlock(), toBlock: 'latest',
        })
      } catch (e) {
        throw toChainError('recordSource.getUse', e)
      }
      const used = logs.find((l) => l.args.slot === BigInt(slot))
      if (!used) return undefined
      const [g, block] = await Promise.all([
        readRecords<{ expiry: bigint; maxUses: number; used: number; grantedAt: bigint; revokedAt: bigint }>('recordSource', client, address, 'getGrantByKey', [used.args.grant!]),
        getBlock(client, { blockTag: 'latest' }),
      ])
      const grant: ChainGrant = { expiry: BigInt(g.expiry), maxUses: Number(g.maxUses), used: Number(g.used), grantedAt: BigInt(g.grantedAt), revokedAt: BigInt(g.revokedAt) }
      return { recordId, taskId, slot, codeHash: used.args.codeHash!, requester: used.args.requester!, grant, now: block.timestamp }
    },
    async deletedSince(fromBlock) {
      try {
        const { from, latest } = await rangeSince(fromBlock)
        if (latest < from) return { recordIds: [], nextBlock: from }
        const logs = await getLogs(client, { address, event: getAbiItem({ abi: enigmaRecordsAbi, name: 'RecordDeleted' }), fromBlock: from, toBlock: latest })
        return { recordIds: logs.map((l) => l.args.recordId!), nextBlock: latest + 1n }
      } catch (e) {
        throw toChainError('recordSource.deletedSince', e)
      }
    },
    async usesSince(fromBlock) {
      try {
        const { from, latest } = await rangeSince(fromBlock)
        if (latest < from) return { uses: [], nextBlock: from }
        const logs = await getLogs(client, { address, event: getAbiItem({ abi: enigmaRecordsAbi, name: 'RecordUsed' }), fromBlock: from, toBlock: latest })
        return { uses: logs.map((l) => ({ recordId: l.args.recordId!, taskId: l.args.taskId!, slot: Number(l.args.slot!) })), nextBlock: latest + 1n }
      } catch (e) {
        throw toChainError('recordSource.usesSince', e)
      }
    },
    async nodePeer(account): Promise<NodePeer | undefined> {
      const n = await getNode(client, { address: await controllerAddress(), node: account })
      return n.registered ? { peerId: n.peerId, multiaddrs: n.multiaddrs } : undefined
    },
  }
}
