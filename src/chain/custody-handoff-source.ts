/**
 * The chain's side of custody hand-offs (src/node/custody-handoff-source.ts) over
 * contracts/EnigmaRecords.sol: the current epoch and chain time, an epoch's committee resolved to MPC
 * members through the controller's registry, the live records (RecordStored / RecordDeleted events,
 * read incrementally, then each record's current state), and the node's confirmations, sent from its
 * own account. chain-node.ts wires it in; the node layer never imports this file.
 */
import { getAbiItem, type Address, type Hex } from 'viem'
import { getBlock, getBlockNumber, getLogs } from 'viem/actions'
import { enigmaRecordsAbi } from './generated/EnigmaRecords.ts'
import { toChainError } from './errors.ts'
import { readRecords } from './internal/records.ts'
import type { ControllerReadClient, ControllerWalletClient } from './internal/write.ts'
import { getCustodyEpoch } from './actions/getCustodyEpoch.ts'
import { getNode } from './actions/getNode.ts'
import { confirmCustodyHandoff } from './actions/confirmCustodyHandoff.ts'
import { chainRecordSource } from './record-source.ts'
import type { ChainRecord } from '../node/record-source.ts'
import type { CustodyEpochView, HandoffClock, HandoffSource } from '../node/custody-handoff-source.ts'

export function chainHandoffSource(client: ControllerReadClient, submitter: ControllerWalletClient, address: Address): HandoffSource {
  const records = chainRecordSource(client, address)
  const read = <T>(name: string, args: readonly unknown[] = []) => readRecords<T>('handoffSource', client, address, name, args)
  let fixed: Promise<{ controller: Address; slotSeconds: bigint; deployment: bigint }> | undefined
  const constants = () => fixed ??= (async () => {
    const [controller, slot, deployment] = await Promise.all([read<Address>('controller'), read<bigint>('handoffSlot'), read<bigint>('deploymentBlock')])
    return { controller, slotSeconds: BigInt(slot), deployment: BigInt(deployment) }
  })().catch((e) => { fixed = undefined; throw e })
  // A drawn epoch's committee never changes: resolved once (registry addresses may move; peer ids do not).
  const epochs = new Map<bigint, CustodyEpochView>()
  const live = new Set<Hex>()
  const deleted = new Set<Hex>()
  let cursor: bigint | undefined

  const epoch = async (e: bigint): Promise<CustodyEpochView> => {
    const cached = epochs.get(e)
    if (cached) return cached
    const { controller } = await constants()
    const ep = await getCustodyEpoch(client, { address, epoch: e })
    const custodians = await Promise.all(ep.custodians.map(async (account) => {
      const n = await getNode(client, { address: controller, node: account })
      return { account: account as Hex, peerId: n.peerId, multiaddrs: n.multiaddrs }
    }))
    const view: CustodyEpochView = { epoch: e, startedAt: ep.startedAt, t: ep.t, custodians }
    if (custodians.length > 0) epochs.set(e, view)
    return view
  }

  return {
    async current(): Promise<HandoffClock> {
      const [{ slotSeconds }, current, block] = await Promise.all([
        constants(), read<bigint>('currentEpoch'),
        getBlock(client, { blockTag: 'latest' }).catch((e) => { throw toChainError('handoffSource.current', e) }),
      ])
      return { epoch: BigInt(current) === 0n ? undefined : await epoch(BigInt(current)), now: block.timestamp, slotSeconds }
    },
    epoch,
    async liveRecords(): Promise<readonly ChainRecord[]> {
      const { deployment } = await constants()
      try {
        const from = cursor ?? deployment
        const latest = await getBlockNumber(client, { cacheTime: 0 })
        if (latest >= from) {
          const [stored, gone] = await Promise.all([
            getLogs(client, { address, event: getAbiItem({ abi: enigmaRecordsAbi, name: 'RecordStored' }), fromBlock: from, toBlock: latest }),
            getLogs(client, { address, event: getAbiItem({ abi: enigmaRecordsAbi, name: 'RecordDeleted' }), fromBlock: from, toBlock: latest }),
          ])
          for (const l of stored) live.add(l.args.recordId!.toLowerCase() as Hex)
          for (const l of gone) deleted.add(l.args.recordId!.toLowerCase() as Hex)
          for (const id of deleted) live.delete(id)
          cursor = latest + 1n
        }
      } catch (e) {
        throw toChainError('handoffSource.liveRecords', e)
      }
      const all = await Promise.all([...live].map((id) => records.getRecord(id)))
      return all.filter((r): r is ChainRecord => r !== undefined && r.deletedAt === 0n)
    },
    async confirm(e, items) {
      await confirmCustodyHandoff(submitter, { address, epoch: e, items })
    },
  }
}
