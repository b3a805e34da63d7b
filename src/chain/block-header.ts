/**
 * RLP encoding of a block header from its JSON-RPC form, so `drawCommittee` can read the prevRandao
 * of the draw block from a header whose keccak256 the controller checks against `blockhash`.
 * Field order: Yellow Paper + London (baseFee) + Shanghai (withdrawalsRoot) + Cancun (blob gas,
 * parent beacon root) + Prague (requestsHash): the optional fields are present iff the node returns them.
 */
import { keccak256, numberToHex, toRlp, type Hex } from 'viem'
import { ChainDataError } from './errors.ts'

export type RpcBlockHeader = Record<string, unknown> & { hash: Hex; number: Hex }

const quantity = (v: unknown): Hex => (BigInt(v as Hex) === 0n ? '0x' : numberToHex(BigInt(v as Hex)))

export function encodeBlockHeader(block: RpcBlockHeader): Hex {
  const b = block as Record<string, Hex | undefined>
  const fields: Hex[] = [
    b.parentHash!, b.sha3Uncles!, b.miner!, b.stateRoot!, b.transactionsRoot!, b.receiptsRoot!, b.logsBloom!,
    quantity(b.difficulty), quantity(b.number), quantity(b.gasLimit), quantity(b.gasUsed), quantity(b.timestamp),
    b.extraData!, b.mixHash!, b.nonce!,
  ]
  const optional: [string, boolean][] = [
    ['baseFeePerGas', true], ['withdrawalsRoot', false], ['blobGasUsed', true], ['excessBlobGas', true],
    ['parentBeaconBlockRoot', false], ['requestsHash', false],
  ]
  for (const [name, isQuantity] of optional) {
    const v = b[name]
    if (v === undefined || v === null) break
    fields.push(isQuantity ? quantity(v) : v)
  }
  const rlp = toRlp(fields)
  if (keccak256(rlp) !== block.hash) throw new ChainDataError('encodeBlockHeader', `re-encoded header of block ${BigInt(block.number)} does not hash to ${block.hash}`)
  return rlp
}
