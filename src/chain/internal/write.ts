/**
 * Shared plumbing of the write actions: send a controller call from the client's account, wait for
 * the receipt, and turn failures into chain-layer errors. Internal: actions are the public surface.
 */
import { isAddressEqual, type Abi, type Account, type Address, type Chain, type Client, type Hex, type Log, type TransactionReceipt, type Transport } from 'viem'
import { waitForTransactionReceipt, writeContract } from 'viem/actions'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { ChainRequestError, toChainError } from '../errors.ts'

/** A viem client with an account that signs (local or JSON-RPC). */
export type ControllerWalletClient = Client<Transport, Chain | undefined, Account>
/** Any viem client; reads need no account. */
export type ControllerReadClient = Client<Transport, Chain | undefined, Account | undefined>

/** What every write action returns. */
export interface ControllerWriteResult {
  readonly hash: Hex
  readonly receipt: TransactionReceipt
  readonly gasUsed: bigint
}

export interface WriteOptions {
  /** Controller address. */
  readonly address: Address
  readonly value?: bigint
  /** ABI of the called contract (default: the controller's; tests call their own contracts with it). */
  readonly abi?: Abi
}

export async function writeController(
  fn: string,
  client: ControllerWalletClient,
  options: WriteOptions,
  functionName: string,
  args: readonly unknown[],
): Promise<ControllerWriteResult> {
  let hash: Hex
  try {
    hash = await writeContract(client, {
      address: options.address,
      abi: options.abi ?? enigmaControllerAbi,
      functionName,
      args,
      value: options.value,
      account: client.account,
      chain: client.chain ?? null,
    } as unknown as Parameters<typeof writeContract>[1])
  } catch (e) {
    throw toChainError(fn, e)
  }
  let receipt: TransactionReceipt
  try {
    receipt = await waitForTransactionReceipt(client, { hash })
  } catch (e) {
    throw toChainError(fn, e)
  }
  if (receipt.status !== 'success') throw new ChainRequestError(fn, `transaction ${hash} reverted`)
  return { hash, receipt, gasUsed: receipt.gasUsed }
}

/**
 * The logs the controller itself emitted: a callee (a task's callback) runs inside the same
 * transaction and could emit look-alike events of the controller's ABI from its own address.
 */
export function controllerLogs<L extends Pick<Log, 'address'>>(logs: readonly L[], controller: Address): L[] {
  return logs.filter((l) => isAddressEqual(l.address, controller))
}
