/** Deploys a test-only contract of contracts/test (attackers, an ether-refusing receiver) for tests. */
import type { Abi, Address, Hex } from 'viem'
import { deployContract, waitForTransactionReceipt } from 'viem/actions'
import type { ControllerWalletClient } from '../internal/write.ts'

export async function deployTestContract(client: ControllerWalletClient, abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<Address> {
  const hash = await deployContract(client, { abi, bytecode, args, account: client.account, chain: client.chain ?? null } as Parameters<typeof deployContract>[1])
  const receipt = await waitForTransactionReceipt(client, { hash })
  if (!receipt.contractAddress) throw new Error(`deployment ${hash} failed`)
  return receipt.contractAddress
}
