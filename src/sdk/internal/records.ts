/** Shared by the record actions: the records contract of a client, or a clear configuration error. */
import type { Address } from 'viem'
import type { EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'

export function recordsAddress(client: EnigmaClient, fn: string, override?: Address): Address {
  const address = override ?? client.records
  if (!address) throw new SdkError('SDK_CONFIG_INVALID', `${fn}: no records contract; pass records to createEnigmaClient (the devnet writes it to .enigma/devnet.json)`)
  return address
}
