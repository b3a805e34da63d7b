// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {EnigmaController} from "./EnigmaController.sol";

/// @title Enigma inputs: one Merkle root per task instead of one transaction per input (issue #14 §5)
/// @notice A data owner signs her input commitment off chain — EIP-712 `Input(taskId, slot, commitment)`
/// under this contract's domain (chain id and this address), so it replays on no other task, chain or
/// contract — and hands envelopes + signature to the committee members' APIs. The members agree on the
/// accepted set and ONE transaction commits the Merkle root of its leaves
/// `keccak(keccak(abi.encode(slot, owner, commitment)))` (OZ double hashing, sorted pairs, the layout of
/// the controller's `slotRoot`), signed by at least `n − t` distinct members of the task's committee.
///
/// Why `n − t` and not `t + 1` (docs/controller.md "Input batches"): both keep any `t` members from
/// committing a root alone (n − t > t because t < n/2), and `t` silent members cannot block either. But a
/// member signs only leaves whose envelope it holds and whose owner signature and slot ownership it
/// checked; with `t + 1`, `t` corrupt members and ONE honest one could commit leaves that the other
/// honest members never received, and the task would stall on inputs they cannot get. With `n − t`, at
/// least `n − 2t ≥ 1` honest members vouch for every leaf and at most `t` members can lack an envelope.
///
/// The censorship escape is the controller's `fillInputSlot`, unchanged: the root must land by the
/// cut-off `deadline − escapeWindow`; every owner fetches her proof from any member and checks it with
/// `isIncluded`; if her leaf is missing she fills her slot directly before the deadline and the nodes use
/// that. A slot that is both in the root and filled directly takes the one that came FIRST on chain
/// (block, then log order): a root never overrides an earlier direct fill, and a later direct fill of a
/// slot already in the root changes nothing (the owner signed that leaf herself). An owner who signed
/// two different commitments for one slot is left out of the root by every honest member (they hold
/// both signatures); only her direct fill can bring her in.
/// @dev A separate contract: the controller is at the EIP-170 size limit. It only reads the controller.
contract EnigmaInputs is EIP712 {
    /// What a data owner signs for one slot (EIP-712 struct; domain "EnigmaInputs", "1", chain, this).
    bytes32 public constant INPUT_TYPEHASH = keccak256("Input(bytes32 taskId,uint256 slot,bytes32 commitment)");
    /// What a committee member signs for a task's batch: the root and how many leaves it holds.
    bytes32 public constant ROOT_TYPEHASH = keccak256("InputRoot(bytes32 taskId,bytes32 root,uint32 count)");

    EnigmaController public immutable controller;
    /// Seconds between the cut-off for the root and the task's deadline: the owners' escape window.
    uint64 public immutable escapeWindow;

    struct Batch {
        bytes32 root;
        /// Number of leaves (≤ the task's slot count).
        uint32 count;
        /// Bit i = committee member i signed the root.
        uint32 signers;
        uint64 committedAt;
    }

    mapping(bytes32 => Batch) private _batches;

    event InputRootCommitted(bytes32 indexed taskId, bytes32 root, uint32 count, uint32 signers);

    error InvalidEscapeWindow();
    error EmptyBatch();
    error TaskNotOpen(bytes32 taskId);
    error RootAlreadyCommitted(bytes32 taskId, bytes32 root);
    error CutoffPassed(uint64 cutoff);
    error TooManyLeaves(uint32 count, uint32 slotCount);
    error NotCommitteeMember(address signer);
    error DuplicateSigner(address signer);
    error TooFewSignatures(uint256 got, uint256 needed);

    constructor(EnigmaController controller_, uint64 escapeWindow_) EIP712("EnigmaInputs", "1") {
        if (escapeWindow_ == 0) revert InvalidEscapeWindow();
        controller = controller_;
        escapeWindow = escapeWindow_;
    }

    /// Commits the root of a task's accepted inputs, once, while the task is open (committee drawn)
    /// and before its cut-off, with EIP-712 `InputRoot` signatures of at least n − t distinct members.
    /// Anyone may send it (the members' designated aggregator does); the signatures carry the authority.
    function commitRoot(bytes32 taskId, bytes32 root, uint32 count, bytes[] calldata signatures) external {
        if (root == bytes32(0) || count == 0) revert EmptyBatch();
        Batch storage batch = _batches[taskId];
        if (batch.root != bytes32(0)) revert RootAlreadyCommitted(taskId, batch.root);
        EnigmaController.Task memory task = controller.getTask(taskId);
        if (task.status != EnigmaController.TaskStatus.Open) revert TaskNotOpen(taskId);
        if (count > task.slotCount) revert TooManyLeaves(count, task.slotCount);
        uint64 cut = _cutoff(task.deadline);
        if (block.timestamp > cut) revert CutoffPassed(cut);
        bytes32 digest = rootDigest(taskId, root, count);
        uint32 seen = 0;
        for (uint256 k = 0; k < signatures.length; k++) {
            address signer = ECDSA.recover(digest, signatures[k]);
            uint256 index = _memberIndex(task.committee, signer);
            if (seen & (uint32(1) << index) != 0) revert DuplicateSigner(signer);
            seen |= uint32(1) << index;
        }
        uint256 needed = uint256(task.n) - task.t;
        if (signatures.length < needed) revert TooFewSignatures(signatures.length, needed);
        _batches[taskId] = Batch(root, count, seen, uint64(block.timestamp));
        emit InputRootCommitted(taskId, root, count, seen);
    }

    /// Whether (slot, owner, commitment) is a leaf of the task's committed root: the owner's check.
    function isIncluded(bytes32 taskId, uint256 slot, address owner, bytes32 commitment, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        bytes32 root = _batches[taskId].root;
        return root != bytes32(0) && MerkleProof.verifyCalldata(proof, root, inputLeaf(slot, owner, commitment));
    }

    function getBatch(bytes32 taskId) external view returns (Batch memory) {
        return _batches[taskId];
    }

    /// Last block time at which the task's root may be committed.
    function cutoff(bytes32 taskId) external view returns (uint64) {
        return _cutoff(controller.getTask(taskId).deadline);
    }

    function inputLeaf(uint256 slot, address owner, bytes32 commitment) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(slot, owner, commitment))));
    }

    /// The digest a data owner signs for her slot.
    function inputDigest(bytes32 taskId, uint256 slot, bytes32 commitment) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(INPUT_TYPEHASH, taskId, slot, commitment)));
    }

    /// The digest a committee member signs for a task's root.
    function rootDigest(bytes32 taskId, bytes32 root, uint32 count) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ROOT_TYPEHASH, taskId, root, count)));
    }

    function _cutoff(uint64 deadline) private view returns (uint64) {
        return deadline > escapeWindow ? deadline - escapeWindow : 0;
    }

    function _memberIndex(address[] memory committee, address signer) private pure returns (uint256) {
        for (uint256 i = 0; i < committee.length; i++) {
            if (committee[i] == signer) return i;
        }
        revert NotCommitteeMember(signer);
    }
}
