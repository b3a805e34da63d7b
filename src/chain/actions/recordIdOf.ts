import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'

/** The id `storeRecord` gives (contracts/EnigmaRecords.sol `recordIdOf`), computed off chain. */
export function recordIdOf(params: { chainId: number; address: Address; owner: Address; salt: Hex }): Hex {
  return keccak256(encodeAbiParameters(
    [{ type: 'uint256' }, { type: 'address' }, { type: 'address' }, { type: 'bytes32' }],
    [BigInt(params.chainId), params.address, params.owner, params.salt],
  ))
}
