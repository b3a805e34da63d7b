/**
 * Drives custody epochs of the records contract on a local chain: `startCustodyEpoch` is one change
 * (beginEpoch, mine the draw block with hardhat_mine so set-up does not wait for interval mining,
 * drawEpoch; returns the gas used); `driveCustodyEpochs` changes epochs at a cadence (the devnet's
 * epoch length is `startDevnet({ epochSeconds })`), so a test or a demo sees several epochs — and
 * their hand-offs (src/node/custody-handoff.ts) — quickly.
 */
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem'
import { beginCustodyEpoch } from '../chain/actions/beginCustodyEpoch.ts'
import { drawCustodyEpoch } from '../chain/actions/drawCustodyEpoch.ts'
import { EnigmaError } from '../common/errors.ts'

export async function startCustodyEpoch(wallet: WalletClient<Transport, Chain, Account>, publicClient: PublicClient<Transport, Chain>, records: Address): Promise<bigint> {
  const begun = await beginCustodyEpoch(wallet, { address: records })
  let gas = begun.gasUsed
  let drawBlock = begun.drawBlock
  for (let attempt = 0; attempt < 3; attempt++) {
    const latest = await publicClient.getBlockNumber({ cacheTime: 0 })
    if (latest <= drawBlock) await publicClient.request({ method: 'hardhat_mine', params: [`0x${(drawBlock - latest + 1n).toString(16)}`] } as never)
    const drawn = await drawCustodyEpoch(wallet, { address: records })
    gas += drawn.gasUsed
    if (drawn.drawn) return gas
    drawBlock = drawn.drawBlock
  }
  throw new EnigmaError('DEVNET_CUSTODY_EPOCH', `the custody epoch of ${records} could not be drawn (re-targeted three times)`)
}

export interface DriveCustodyEpochsOptions {
  /** How often an epoch change is tried (ms); the contract refuses one before `epochDuration` (unless a custodian left). */
  readonly everyMs: number
  readonly signal?: AbortSignal
  /** Called after each change with its gas, or with the refusal of a try that was not due. */
  readonly onChange?: (r: { readonly gas: bigint } | { readonly error: unknown }) => void
}

/** Tries an epoch change every `everyMs` until the signal aborts; resolves when it stops. */
export async function driveCustodyEpochs(wallet: WalletClient<Transport, Chain, Account>, publicClient: PublicClient<Transport, Chain>, records: Address, o: DriveCustodyEpochsOptions): Promise<void> {
  while (!o.signal?.aborted) {
    try {
      o.onChange?.({ gas: await startCustodyEpoch(wallet, publicClient, records) })
    } catch (e) {
      o.onChange?.({ error: e })
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, o.everyMs)
      o.signal?.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
    })
  }
}
