/**
 * A secret node on an EVM chain: the node layer's `SecretNode` with the chain layer's
 * `ChainTaskSource` plugged in (DESIGN.md §5: the node never imports the chain; the wiring lives up
 * here), attestations exchanged over gossipsub through the node layer's validating filter, and
 * receipts sent from the node's own account (its key file) when it aggregates, so that account needs
 * a little ether for gas. Used by `enigma node start --rpc … --controller …` and by devnet nodes.
 */
import { createWalletClient, type Address } from 'viem'
import { getCode } from 'viem/actions'
import type { NodeConfig } from '../node/config.ts'
import { loadOrCreateIdentity } from '../node/identity.ts'
import { SecretNode } from '../node/secret-node.ts'
import { engineCompute } from '../node/engine-adapter.ts'
import { handoffFault, withFault, type FaultBehaviour } from '../node/faults.ts'
import { AttestationGossip } from '../node/attestation-gossip.ts'
import { EquivocationReporter } from '../node/attestation-gossip-equivocation.ts'
import { ChainTaskSource } from '../chain/task-source.ts'
import { chainRecordSource } from '../chain/record-source.ts'
import { chainStateSource } from '../chain/state-source.ts'
import { chainHandoffSource } from '../chain/custody-handoff-source.ts'
import { EnigmaError } from '../common/errors.ts'
import { connectChain } from './evm-chain.ts'
import { chainAccuser } from './chain-accuser.ts'
import { chainEquivocationProver } from './chain-equivocation.ts'
import { chainKeeper } from './chain-keeper.ts'

export interface ChainNodeOptions {
  readonly config: NodeConfig
  readonly rpcUrl: string
  readonly controller: Address
  /** Expected chain id; the RPC must agree (default: whatever the RPC serves). */
  readonly chainId?: number
  /** First block to scan for controller events (the controller's deployment block is enough). */
  readonly fromBlock?: bigint
  /** How often the chain is polled (default 1 000 ms; a devnet polls faster). */
  readonly pollingIntervalMs?: number
  /** The records contract (contracts/EnigmaRecords.sol): with it the node keeps custody of records. */
  readonly records?: Address
  /** The state contract (contracts/EnigmaState.sol): with it the node runs stateful contracts' tasks. */
  readonly stateContract?: Address
  /** The inputs contract (contracts/EnigmaInputs.sol): with it tasks batch their inputs under one root. */
  readonly inputs?: Address
  /** Test-only misbehaviour (devnet `--fault`, src/node/faults.ts); never set by `enigma node start`. */
  readonly fault?: FaultBehaviour
}

export interface ChainNode {
  readonly node: SecretNode
  readonly chainId: number
  readonly gossip: AttestationGossip
}

export async function startChainNode(o: ChainNodeOptions): Promise<ChainNode> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(o.controller)) throw new EnigmaError('CLI_USAGE', `--controller must be an address, got '${o.controller}'`)
  const { chain, chainId, transport, publicClient } = await connectChain({ rpcUrl: o.rpcUrl, chainId: o.chainId })
  const code = await getCode(publicClient, { address: o.controller })
  if (!code || code === '0x') throw new EnigmaError('CHAIN_NO_CONTRACT', `no contract at ${o.controller} on chain ${chainId} (${o.rpcUrl}); check --controller`)
  const { identity } = await loadOrCreateIdentity(o.config.dataDir)
  const submitter = createWalletClient({ chain, transport, account: identity.account, pollingInterval: 100 })
  let node: SecretNode | undefined
  // The node's chain loops (tasks every poll, record uses and deletions, custody hand-offs every 2 polls)
  // share one eth_blockNumber per polling interval and read nothing more until a block comes (internal/
  // head.ts). Below the hand-off sweep's period, so a pass after a confirmation's receipt sees its block.
  const pollingIntervalMs = o.pollingIntervalMs ?? 1_000
  const head = { headCacheMs: pollingIntervalMs }
  const chainSource = new ChainTaskSource({
    client: publicClient, address: o.controller, submitter, fromBlock: o.fromBlock,
    pollingIntervalMs, fallbackDelayMs: 5_000, inputs: o.inputs, ...head,
    onError: (e) => node?.log.warn('chain source', { err: e }),
  })
  // Two conflicting receipts of one member, seen on gossip, become `proveEquivocation` (a slash, no vote).
  const equivocations = new EquivocationReporter({
    account: identity.account.address, submitter: chainEquivocationProver(publicClient, submitter, o.controller),
    onEvent: (e) => node?.log.warn(`equivocation proof ${e.kind}`, e.kind === 'submit-failed' ? { taskId: e.taskId, signer: e.signer, err: e.error } : { taskId: e.taskId, signer: e.signer }),
  })
  const gossip = new AttestationGossip(chainSource, { equivocations })
  if (o.records !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(o.records)) throw new EnigmaError('CLI_USAGE', `--records must be an address, got '${o.records}'`)
  const fault = o.fault
  const compute = fault ? withFault(engineCompute, { behaviour: () => fault, onInject: (b) => node?.log.warn('injected fault acting', { fault: b }) }) : engineCompute
  // Detection → evidence → chain (issue #12): majority votes become `accuse` transactions.
  node = new SecretNode(o.config, {
    compute, source: gossip, accusations: chainAccuser(publicClient, submitter, o.controller),
    rerunChain: chainKeeper(publicClient, submitter, o.controller),
    // The test-only fault acts in every hand-off (`bad-input-reshare`: a custodian or a re-run's survivor dealing wrong shares).
    handoffWrap: handoffFault(fault, { onInject: (b) => node?.log.warn('injected fault acting', { fault: b }) }),
    ...(o.stateContract ? { state: chainStateSource(publicClient, { state: o.stateContract, controller: o.controller }), statePollMs: pollingIntervalMs } : {}),
    ...(o.records ? { records: chainRecordSource(publicClient, o.records, head), handoffs: chainHandoffSource(publicClient, submitter, o.records, head), custodySweepMs: Math.max(500, 2 * pollingIntervalMs) } : {}),
  })
  try {
    await node.start()
    gossip.attach(node.host.services.pubsub)
  } catch (e) {
    await node.stop()
    throw e
  }
  node.log.info('chain task source', { rpcUrl: o.rpcUrl, chainId, controller: o.controller, records: o.records, stateContract: o.stateContract, account: identity.account.address })
  return { node, chainId, gossip }
}
