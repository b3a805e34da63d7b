/** Test helpers: the SDK's actions (re-exported) and an error-code predicate. */
import type { Account, Address } from 'viem'
import { isEnigmaError } from '../common/errors.ts'
import type { EnigmaClient } from '../sdk/index.ts'
export { createTask, getTask, submitInput, waitForResult } from '../sdk/index.ts'

export function isSdkError(e: unknown, code: string): boolean {
  if (!isEnigmaError(e, code)) throw e
  return true
}

/**
 * A client that signs with `client`'s key but claims to be `owner` (the SDK's own owner check sees
 * `owner`), to test that nodes check the signature themselves.
 */
export function asOwner(client: EnigmaClient, owner: Address): EnigmaClient {
  const wallet = client.wallet!
  const liar = { ...wallet.account, address: owner } as Account
  return { ...client, account: liar, wallet: { ...wallet, account: liar } as typeof wallet }
}
