// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// The token the NFT auction example sells (the devnet demo and the tests mint it): a plain
/// OpenZeppelin ERC-721 whose owner mints.
contract DemoNft is ERC721, Ownable {
    uint256 public minted;

    constructor(address owner_) ERC721("Enigma Demo NFT", "ENFT") Ownable(owner_) {}

    function mint(address to) external onlyOwner returns (uint256 tokenId) {
        tokenId = ++minted;
        _safeMint(to, tokenId);
    }
}
