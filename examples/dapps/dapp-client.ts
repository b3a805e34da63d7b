/**
 * What every example dApp's client needs besides the Enigma SDK: deploy a contract, send a
 * transaction and read a view with viem through an `EnigmaClient`'s wallet, and draw the committee of
 * a task that a contract created (the SDK's `createTask` draws for the tasks it creates itself).
 */
import { getAddress, type Abi, type Address, type Hex, type TransactionReceipt } from 'viem'
import { deployContract, readContract, waitForTransactionReceipt, writeContract, getBlockNumber } from 'viem/actions'
import type { EnigmaClient } from 'enigma-ts/sdk'
import { drawCommittee } from '../../src/chain/actions/drawCommittee.ts'
import { ControllerRevertError } from '../../src/chain/errors.ts'

export interface Sent {
  readonly hash: Hex
  readonly receipt: TransactionReceipt
  readonly gasUsed: bigint
}

function wallet(client: EnigmaClient, what: string) {
  if (!client.wallet) throw new Error(`${what}: the client has no account`)
  return client.wallet
}

export async function deploy(client: EnigmaClient, abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<Address> {
  const w = wallet(client, 'deploy')
  const hash = await deployContract(w, { abi, bytecode, args, account: w.account, chain: w.chain } as Parameters<typeof deployContract>[1])
  const receipt = await waitForTransactionReceipt(client.public, { hash })
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deployment ${hash} failed`)
  return getAddress(receipt.contractAddress)
}

/** Sends a call and waits for it; a revert throws viem's error (with the decoded custom error name). */
export async function send(client: EnigmaClient, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = [], value?: bigint): Promise<Sent> {
  const w = wallet(client, functionName)
  const hash = await writeContract(w, { address, abi, functionName, args, value, account: w.account, chain: w.chain } as Parameters<typeof writeContract>[1])
  const receipt = await waitForTransactionReceipt(client.public, { hash })
  if (receipt.status !== 'success') throw new Error(`${functionName} ${hash} reverted`)
  return { hash, receipt, gasUsed: receipt.gasUsed }
}

export async function read<T>(client: EnigmaClient, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<T> {
  return await readContract(client.public, { address, abi, functionName, args } as Parameters<typeof readContract>[1]) as T
}

/** The name of the custom error a failed call reverted with (viem puts it in the error's cause chain). */
export function revertName(e: unknown): string | undefined {
  for (let c = e as { cause?: unknown; data?: { errorName?: string }; errorName?: string } | undefined; c; c = c.cause as typeof c) {
    if (c.data?.errorName) return c.data.errorName
    if (c.errorName) return c.errorName
  }
  return undefined
}

/**
 * Step 2 of a task a contract created: wait for its draw block, then draw (anyone may; the committee
 * does not depend on who). Returns when the committee is drawn, by us or by someone else.
 */
export async function drawTask(client: EnigmaClient, taskId: Hex, timeoutMs = 120_000): Promise<void> {
  const w = wallet(client, 'drawTask')
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      const d = await drawCommittee(w, { address: client.controller, taskId })
      if (d.drawn) return
    } catch (e) {
      if (e instanceof ControllerRevertError && e.errorName === 'TaskNotOpen') return // drawn by someone else
      if (!(e instanceof ControllerRevertError && e.errorName === 'DrawTooEarly')) throw e
    }
    if (Date.now() > until) throw new Error(`drawTask: task ${taskId} not drawn after ${timeoutMs} ms`)
    const at = await getBlockNumber(client.public, { cacheTime: 0 })
    while ((await getBlockNumber(client.public, { cacheTime: 0 })) === at && Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.min(client.pollingIntervalMs, 200)))
    }
  }
}

/** Polls `probe` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
