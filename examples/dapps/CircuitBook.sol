// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// The secret contract a dApp runs, by size. A secret contract's public parameters are fixed when it
/// is compiled (`bidders: 5` and `bidders: 50` are two circuits with two code hashes), so a dApp that
/// opens tasks of any size keeps the code hash and declared cost of each size it supports, set by its
/// owner after checking that the code hash is the circuit it claims (`enigma compile --param`).
abstract contract CircuitBook is Ownable {
    struct Circuit {
        bytes32 codeHash;
        uint64 multiplications;
        uint32 rounds;
    }

    mapping(uint256 size => Circuit) private _circuits;

    event CircuitSet(uint256 indexed size, bytes32 codeHash, uint64 multiplications, uint32 rounds);

    error NoCircuit(uint256 size);

    function setCircuit(uint256 size, bytes32 codeHash, uint64 multiplications, uint32 rounds) external onlyOwner {
        _circuits[size] = Circuit(codeHash, multiplications, rounds);
        emit CircuitSet(size, codeHash, multiplications, rounds);
    }

    function circuitFor(uint256 size) public view returns (Circuit memory c) {
        c = _circuits[size];
        if (c.codeHash == bytes32(0)) revert NoCircuit(size);
    }
}
