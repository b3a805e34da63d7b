/**
 * The dApp demos of `enigma devnet demo --contract <name>`: a Solidity contract on the devnet that
 * opens a task itself and acts on its result through the controller's callback (docs/dapps.md). The
 * dApp's own code lives in examples/dapps/ and is loaded at run time (src/ never imports examples/).
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createTestClient, formatEther, http, type Address, type Hex } from 'viem'
import type { Compiled } from '../lang/index.ts'
import { waitForResult, type EnigmaClient } from '../sdk/index.ts'
import { EnigmaError } from '../common/errors.ts'
import { EXAMPLES_DIR } from './contracts.ts'
import { clientFor, type FlowResult } from './flow.ts'
import type { DevnetState } from './state.ts'

export interface DappDemo {
  /** The secret contract the dApp runs, and its demo parameters. */
  readonly secretContract: string
  readonly params: Record<string, number>
  /** Module under examples/dapps/ exporting the runner. */
  readonly module: string
}

export const DAPP_DEMOS: Readonly<Record<string, DappDemo>> = {
  'nft-auction': { secretContract: 'sealed-bid-auction', params: { bidders: 5 }, module: 'nft-auction-demo.ts' },
}

/** What examples/dapps/nft-auction-demo.ts returns (the fields this file reads). */
interface NftAuctionDemoResult {
  readonly taskId: Hex
  readonly ownerBefore: Address
  readonly ownerAfter: Address
  readonly winner: Address
  readonly priceWei: bigint
  readonly refunds: readonly bigint[]
  readonly sellerProceeds: bigint
  readonly matchesReference: boolean
  readonly closeMs: number
  readonly bidsMs: number
  readonly settleMs: number
  readonly gas: { readonly close: bigint; readonly bids: bigint }
  readonly commitments: FlowResult['commitments']
}
interface NftAuctionDemoModule {
  runNftAuctionDemo(ctx: {
    clientFor(privateKey: Hex): EnigmaClient
    house: Hex
    accounts: DevnetState['accounts']
    compiled: Compiled
    out(line: string): void
    advanceTime(seconds: number): Promise<void>
  }): Promise<NftAuctionDemoResult>
}

export interface DappDemoResult {
  readonly flow: FlowResult
  /** The NFT's way: owner before and after, the price and every claim (wei, as decimal strings). */
  readonly nft: {
    readonly ownerBefore: Address
    readonly ownerAfter: Address
    readonly winner: Address
    readonly priceWei: string
    readonly refundsWei: readonly string[]
    readonly sellerProceedsWei: string
  }
  readonly matchesReference: boolean
  /** The result callback's outcome as the SDK reports it ('succeeded' when the auction got the result). */
  readonly callbackStatus: string | undefined
}

/** Runs the NFT auction dApp on a started devnet whose secret contract `compiled` is registered. */
export async function runNftAuctionDapp(state: DevnetState, compiled: Compiled, out: (line: string) => void): Promise<DappDemoResult> {
  const file = join(EXAMPLES_DIR, 'dapps', DAPP_DEMOS['nft-auction']!.module)
  let mod: NftAuctionDemoModule
  try {
    mod = await import(pathToFileURL(file).href) as NftAuctionDemoModule
  } catch (e) {
    throw new EnigmaError('CONTRACT_LOAD_FAILED', `cannot load the NFT auction dApp (${file}): ${(e as Error).message.split('\n')[0]}`, { cause: e })
  }
  // A devnet's chain is Hardhat: the demo skips the bidding period instead of waiting for it.
  const testClient = createTestClient({ mode: 'hardhat', transport: http(state.rpcUrl) })
  const advanceTime = async (seconds: number) => {
    out(`      (devnet: the bidding period's remaining ${seconds} s are skipped with evm_increaseTime)`)
    await testClient.increaseTime({ seconds })
    await testClient.mine({ blocks: 1 })
  }
  const r = await mod.runNftAuctionDemo({
    clientFor: (key) => clientFor(state, key), house: state.deployer.privateKey, accounts: state.accounts, compiled, out, advanceTime,
  })
  // The task as the SDK sees it: its receipt, outputs and the callback's outcome.
  const result = await waitForResult(clientFor(state, undefined), { taskId: r.taskId, circuit: compiled.circuit, timeoutMs: 60_000 })
  out(`Receipt: block ${result.receipt.blockNumber}, signed by ${result.receipt.signers.length} members; fee ${formatEther(result.receipt.fee)} ETH; the controller's callback into the auction: ${result.callback?.status ?? 'none'}.`)
  const flow: FlowResult = {
    taskId: r.taskId, result, commitments: r.commitments,
    timing: { createMs: r.closeMs, inputChainMs: 0, inputDeliveryMs: 0, inputsWallMs: r.bidsMs, computeMs: r.settleMs, receiptMs: 0, resultMs: r.closeMs + r.bidsMs + r.settleMs, totalMs: r.closeMs + r.bidsMs + r.settleMs },
    gas: { createTask: r.gas.close, inputs: r.gas.bids, inputRoot: 0n, receipt: result.receipt.gasUsed, total: r.gas.close + r.gas.bids + result.receipt.gasUsed },
  }
  return {
    flow, matchesReference: r.matchesReference && result.callback?.status === 'succeeded', callbackStatus: result.callback?.status,
    nft: {
      ownerBefore: r.ownerBefore, ownerAfter: r.ownerAfter, winner: r.winner, priceWei: String(r.priceWei),
      refundsWei: r.refunds.map(String), sellerProceedsWei: String(r.sellerProceeds),
    },
  }
}
