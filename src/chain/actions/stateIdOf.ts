import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'

/** The id `createState` gives (contracts/EnigmaState.sol `stateIdOf`), computed off chain. */
export function stateIdOf(params: { chainId: number; address: Address; creator: Address; salt: Hex }): Hex {
  return keccak256(encodeAbiParameters(
    [{ type: 'uint256' }, { type: 'address' }, { type: 'address' }, { type: 'bytes32' }],
    [BigInt(params.chainId), params.address, params.creator, params.salt],
  ))
}
