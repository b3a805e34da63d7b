/**
 * The chain's side of custody hand-offs (src/node/custody-handoff-source.ts) over
 * contracts/EnigmaRecords.sol: the current epoch and chain time, an epoch's committee resolved to MPC
 * members through the controller's registry, the live records (RecordStored / RecordDeleted events,
 * read incrementally, then each record's current state), and the node's confirmations, sent from its
 * own account. chain-node.ts wires it in; the node layer never imports this file.
 */
import { getAbiItem, type Address, type Hex } from 'viem'
import { getBlock, getLogs } from 'viem/actions'
import { enigmaRecordsAbi } from './generated/EnigmaRecords.ts'
import { toChainError } from './errors.ts'
import { readRecords } from './internal/records.ts'
import type { ControllerReadClient, ControllerWalletClient } from './internal/write.ts'
import { getCustodyEpoch } from './actions/getCustodyEpoch.ts'
import { getNode } from './actions/getNode.ts'
import { confirmCustodyHandoff } from './actions/confirmCustodyHandoff.ts'
import { chainRecordSource, type ChainSourceOptions } from './record-source.ts'
import { headBlockNumber } from './internal/head.ts'
import type { ChainRecord } from '../node/record-source.ts'
import type { CustodyEpochView, HandoffClock, HandoffSource } from '../node/custody-handoff-source.ts'

export function chainHandoffSource(client: ControllerReadClient, submitter: ControllerWalletClient, address: Address, options: ChainSourceOptions = {}): HandoffSource {
  const records = chainRecordSource(client, address, options)
  const head = () => headBlockNumber(client, options.headCacheMs ?? 0)
  const read = <T>(name: string, args: readonly unknown[] = [], blockNumber?: bigint) => readRecords<T>('handoffSource', client, address, name, args, blockNumber)
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
  // Chain state changes only with a block: the hand-off loop's passes between two blocks (it runs every
  // 500 ms on a devnet) get the answer read at the head they find, without reading it again.
  let clockAt: { block: bigint; clock: HandoffClock } | undefined
  let liveAt: { block: bigint; records: readonly ChainRecord[] } | undefined

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
      const latest = await head().catch((e) => { throw toChainError('handoffSource.current', e) })
      if (clockAt && latest <= clockAt.block) return clockAt.clock
      const [{ slotSeconds }, current, block] = await Promise.all([
        constants(), read<bigint>('currentEpoch', [], latest),
        getBlock(client, { blockNumber: latest }).catch((e) => { throw toChainError('handoffSource.current', e) }),
      ])
      const clock = { epoch: BigInt(current) === 0n ? undefined : await epoch(BigInt(current)), now: block.timestamp, slotSeconds }
      clockAt = { block: latest, clock }
      return clock
    },
    epoch,
    async liveRecords(): Promise<readonly ChainRecord[]> {
      const { deployment } = await constants()
      let latest: bigint
      try {
        const from = cursor ?? deployment
        latest = await head()
        if (liveAt && latest <= liveAt.block) return liveAt.records
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
      const found = all.filter((r): r is ChainRecord => r !== undefined && r.deletedAt === 0n)
      liveAt = { block: latest, records: found }
      return found
    },
    async confirm(e, items) {
      await confirmCustodyHandoff(submitter, { address, epoch: e, items })
    },
  }
}
