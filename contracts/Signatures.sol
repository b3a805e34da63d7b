// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title EIP-712 digests of the statements secret nodes sign, and secp256k1 recovery.
/// @notice The TypeScript twin of this file is src/node/attestation.ts; the chain tests check that a
/// signature made there verifies here. Domain: EIP712Domain(name "Enigma", version "1", chainId,
/// verifyingContract = the controller).
library Signatures {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant NAME_HASH = keccak256("Enigma");
    bytes32 internal constant VERSION_HASH = keccak256("1");
    /// One statement per (task, label): signing two different contents under one label is equivocation.
    bytes32 internal constant STATEMENT_TYPEHASH = keccak256("Statement(bytes32 taskId,bytes32 label,bytes32 contentHash)");
    bytes32 internal constant ACCUSATION_TYPEHASH = keccak256("Accusation(bytes32 taskId,address accused,bytes32 reason)");

    /// secp256k1n / 2: signatures with a larger s are the malleated twin of a valid one (EIP-2).
    uint256 internal constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    function domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, chainId, verifyingContract));
    }

    function statementStructHash(bytes32 taskId, bytes32 label, bytes32 contentHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(STATEMENT_TYPEHASH, taskId, label, contentHash));
    }

    function accusationStructHash(bytes32 taskId, address accused, bytes32 reason) internal pure returns (bytes32) {
        return keccak256(abi.encode(ACCUSATION_TYPEHASH, taskId, accused, reason));
    }

    /// Returns the signer of a 65-byte (r, s, v) signature, or address(0) if it is malformed,
    /// malleable or does not recover. v may be 27/28 or 0/1.
    function recover(bytes32 digest, bytes calldata signature) internal pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) v += 27;
        if (v != 27 && v != 28) return address(0);
        if (uint256(s) > HALF_ORDER) return address(0);
        return ecrecover(digest, v, r, s);
    }
}
