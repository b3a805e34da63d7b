/**
 * What every example dApp's client needs besides the Enigma SDK: deploy a contract, send a
 * transaction and read a view with viem through an `EnigmaClient`'s wallet, and draw the committee of
 * a task that a contract created (the SDK's `createTask` draws for the tasks it creates itself).
 */
import { createTestClient, getAddress, http, type Abi, type Address, type Hex, type TransactionReceipt } from 'viem'
import { deployContract, readContract, waitForTransactionReceipt, writeContract } from 'viem/actions'
import { ControllerRevertError, getTask, isEnigmaError, submitInput, type EnigmaClient, type SubmitInputParameters, type SubmitInputReturnType } from 'enigma-ts/sdk'

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
  let hash: Hex
  for (let attempt = 1; ; attempt++) {
    try {
      hash = await writeContract(w, { address, abi, functionName, args, value, account: w.account, chain: w.chain } as Parameters<typeof writeContract>[1])
      break
    } catch (e) {
      // A dropped connection before the transaction left (estimate, nonce) is safe to retry; after, it is not.
      const m = e instanceof Error ? e.message : String(e)
      if (attempt >= 4 || !/fetch failed|HTTP request failed|socket hang up/.test(m) || m.includes('eth_sendRawTransaction')) throw e
      await new Promise((r) => setTimeout(r, 500 * attempt))
    }
  }
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

/**
 * `submitInput`, again when the connection to the chain or a node dropped (a loaded local node closes
 * sockets). A retry resends the same envelopes (the SDK keeps them), so nodes see one dealing; if the
 * first `fillInputSlot` did land, the slot is filled and that is success.
 */
export async function submitWithRetry(client: EnigmaClient, params: SubmitInputParameters, attempts = 4): Promise<Submitted> {
  for (let i = 1; ; i++) {
    try {
      return await submitInput(client, params)
    } catch (e) {
      if (i >= attempts || !isTransient(e)) throw e
      await new Promise((r) => setTimeout(r, 500 * i))
      const commitment = await slotCommitment(client, params.taskId, params.slot)
      if (commitment) return { commitment, gasUsed: 0n }
    }
  }
}

/** What a submission left on chain (gas 0 when an earlier attempt's transaction filled the slot). */
export type Submitted = Pick<SubmitInputReturnType, 'commitment' | 'gasUsed'>

function isTransient(e: unknown): boolean {
  if (isEnigmaError(e, 'CHAIN_REQUEST_FAILED') || isEnigmaError(e, 'SDK_NODE_UNREACHABLE')) return true
  if (e instanceof ControllerRevertError && e.errorName === 'SlotAlreadyFilled') return true
  return /fetch failed|HTTP request failed|ECONNRESET|socket hang up/.test(e instanceof Error ? e.message : String(e))
}

async function slotCommitment(client: EnigmaClient, taskId: Hex, slot: string): Promise<Hex | undefined> {
  return (await getTask(client, { taskId })).slots.find((s) => s.name === slot)?.commitment
}

/** Moves a Hardhat chain's time forward and mines a block (a devnet: skips a waiting period). */
export function hardhatTimeSkipper(rpcUrl: string): (seconds: number) => Promise<void> {
  const testClient = createTestClient({ mode: 'hardhat', transport: http(rpcUrl) })
  return async (seconds) => {
    await testClient.increaseTime({ seconds })
    await testClient.mine({ blocks: 1 })
  }
}
