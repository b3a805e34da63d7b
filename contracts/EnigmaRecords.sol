// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BlockHeader} from "@openzeppelin/contracts/utils/BlockHeader.sol";
import {Blockhash} from "@openzeppelin/contracts/utils/Blockhash.sol";
import {EnigmaController} from "./EnigmaController.sol";

/// @title Enigma records: data that lives in the network
/// @notice The on-chain half of stored secret records ("Decentralizing Privacy", Zyskind et al. 2015,
/// §IV: T_access and T_data): a record's owner, type, commitment and custody committee; the owner's
/// grants (a secret contract by code hash, optionally one requester, an expiry, a number of uses),
/// their revocation and the record's deletion; and the atomic consumption of one use when a task input
/// is bound to a record. Custody committees are drawn per epoch from the controller's active set with
/// the controller's own selection rule (docs/committee-selection.md), seeded by a later block's
/// prevRandao exactly as task committees are. Model and gas: docs/state.md.
/// @dev A separate contract: the controller is close to the EIP-170 size limit. It only reads the
/// controller (active set, selection, task data); the controller does not know it exists.
contract EnigmaRecords {
    using SafeCast for uint256;

    // ---------------------------------------------------------------- constants

    /// Blocks between `beginEpoch` and the block whose randomness draws the custody committee (as tasks).
    uint256 public constant DRAW_DELAY = 2;
    /// Domain of the custody seed: a task seed and an epoch seed never coincide.
    bytes32 public constant CUSTODY_LABEL = keccak256("enigma.custody.v1");

    // ---------------------------------------------------------------- types

    struct Epoch {
        /// Seed of the draw: keccak(prevRandao(drawBlock), CUSTODY_LABEL, epoch).
        bytes32 seed;
        uint64 drawBlock;
        uint64 startedAt;
        address[] custodians;
    }

    struct Record {
        address owner;
        /// Epoch whose custody committee holds the shares.
        uint64 epoch;
        /// Block of deletion (0 = live).
        uint64 deletedAt;
        /// keccak256 of the canonical encoding of the value's language type (src/node/record-type.ts).
        bytes32 typeHash;
        /// keccak256 of the concatenated share envelopes the custodians received.
        bytes32 commitment;
    }

    /// The record as the nodes and the SDK read it, custodians included.
    struct RecordView {
        address owner;
        uint64 epoch;
        uint64 deletedAt;
        uint8 t;
        bytes32 typeHash;
        bytes32 commitment;
        address[] custodians;
    }

    struct Grant {
        /// Unix seconds after which the grant is void (0 = never).
        uint64 expiry;
        /// Uses allowed (0 = unlimited) and uses consumed.
        uint32 maxUses;
        uint32 used;
        /// Block of the (latest) grant, 0 = never granted; block of revocation, 0 = not revoked.
        uint64 grantedAt;
        uint64 revokedAt;
    }

    // ---------------------------------------------------------------- events

    event EpochRequested(uint64 indexed epoch, uint64 drawBlock);
    event EpochRetargeted(uint64 indexed epoch, uint64 drawBlock);
    event EpochStarted(uint64 indexed epoch, bytes32 seed, address[] custodians);
    event RecordStored(bytes32 indexed recordId, address indexed owner, bytes32 typeHash, bytes32 commitment, uint64 epoch);
    event AccessGranted(bytes32 indexed recordId, bytes32 indexed codeHash, address indexed requester, uint64 expiry, uint32 maxUses);
    event AccessRevoked(bytes32 indexed recordId, bytes32 indexed codeHash, address indexed requester);
    event RecordDeleted(bytes32 indexed recordId, address indexed owner);
    /// Nodes check this before they hand a record's shares to a task's committee.
    /// `grant` is the key of the grant that paid (getGrantByKey): its revocation stops the hand-over.
    event RecordUsed(
        bytes32 indexed recordId, bytes32 indexed taskId, uint256 slot, bytes32 codeHash, address requester, bytes32 grant, uint32 used
    );

    // ---------------------------------------------------------------- errors

    error InvalidConfig(string what);
    error NoCustodyEpoch();
    error EpochPending(uint64 drawBlock);
    error EpochTooEarly(uint64 nextAt);
    error NoPendingEpoch();
    error DrawTooEarly(uint64 drawBlock);
    error InvalidBlockHeader();
    error ZeroHash();
    error RecordExists(bytes32 recordId);
    error UnknownRecord(bytes32 recordId);
    error RecordIsDeleted(bytes32 recordId, uint64 deletedAt);
    error NotRecordOwner(bytes32 recordId, address caller);
    error InvalidExpiry(uint64 expiry);
    error NotGranted(bytes32 recordId, bytes32 codeHash, address requester);
    error GrantRevoked(bytes32 recordId, bytes32 codeHash, address requester, uint64 revokedAt);
    error GrantExpired(bytes32 recordId, uint64 expiry);
    error UsesExhausted(bytes32 recordId, uint32 maxUses);
    error TypeMismatch(bytes32 recordId, bytes32 recordType, bytes32 slotType);
    error UnknownTask(bytes32 taskId);
    error TaskNotOpen(bytes32 taskId);
    error NotTaskCreator(bytes32 taskId, address caller);
    error InvalidSlot(uint256 slot);
    error SlotAlreadyBound(bytes32 taskId, uint256 slot, bytes32 recordId);

    // ---------------------------------------------------------------- storage

    EnigmaController public immutable controller;
    uint8 public immutable custodyN;
    uint8 public immutable custodyT;
    /// Shortest time between two epoch changes requested by anyone (seconds).
    uint64 public immutable epochDuration;
    uint256 public immutable deploymentBlock;

    /// Number of drawn epochs; the current one (0 = none yet).
    uint64 public currentEpoch;
    /// Draw block of the requested next epoch (0 = none pending).
    uint64 public pendingDrawBlock;
    mapping(uint64 => Epoch) private _epochs;
    mapping(bytes32 => Record) private _records;
    /// keccak(recordId, codeHash, requester) → grant; requester 0 = anyone.
    mapping(bytes32 => Grant) private _grants;
    /// keccak(taskId, slot) → the record bound to that input slot.
    mapping(bytes32 => bytes32) public slotRecord;

    constructor(EnigmaController controller_, uint8 n, uint8 t, uint64 epochDuration_) {
        if (address(controller_) == address(0)) revert InvalidConfig("controller is zero");
        if (n < controller_.MIN_COMMITTEE() || n > controller_.MAX_COMMITTEE() || t < 1 || 2 * uint256(t) >= n) {
            revert InvalidConfig("custody committee needs 3 <= n <= 32 and 1 <= t < n/2");
        }
        if (epochDuration_ == 0) revert InvalidConfig("epochDuration must be > 0");
        controller = controller_;
        custodyN = n;
        custodyT = t;
        epochDuration = epochDuration_;
        deploymentBlock = block.number;
    }

    // ---------------------------------------------------------------- epochs

    /// Step 1 of 2 of an epoch change, callable by anyone once the current epoch is `epochDuration`
    /// old (or when there is none): fixes the future block whose randomness draws the custodians.
    /// Nobody, the caller included, knows the committee before that block is mined.
    function beginEpoch() external {
        if (pendingDrawBlock != 0) revert EpochPending(pendingDrawBlock);
        uint64 current = currentEpoch;
        if (current != 0) {
            uint64 nextAt = _epochs[current].startedAt + epochDuration;
            if (block.timestamp < nextAt) revert EpochTooEarly(nextAt);
        }
        uint64 drawBlock = (block.number + DRAW_DELAY).toUint64();
        pendingDrawBlock = drawBlock;
        emit EpochRequested(current + 1, drawBlock);
    }

    /// Step 2 of 2: the controller's stake-weighted selection (the rule of task committees) seeded with
    /// the draw block's prevRandao, read from its header checked against `blockhash`. A draw block out
    /// of BLOCKHASH reach is re-targeted, never drawn from a stale or caller-chosen value.
    function drawEpoch(bytes calldata header) external {
        uint64 drawBlock = pendingDrawBlock;
        if (drawBlock == 0) revert NoPendingEpoch();
        if (block.number <= drawBlock) revert DrawTooEarly(drawBlock);
        uint64 epoch = currentEpoch + 1;
        bytes32 hash = Blockhash.blockHash(drawBlock);
        if (hash == bytes32(0)) {
            uint64 next = (block.number + DRAW_DELAY).toUint64();
            pendingDrawBlock = next;
            emit EpochRetargeted(epoch, next);
            return;
        }
        if (keccak256(header) != hash) revert InvalidBlockHeader();
        bytes32 seed = keccak256(abi.encode(BlockHeader.getPrevRandao(header), CUSTODY_LABEL, epoch));
        address[] memory custodians = controller.selectCommittee(seed, custodyN);
        Epoch storage e = _epochs[epoch];
        e.seed = seed;
        e.drawBlock = drawBlock;
        e.startedAt = uint64(block.timestamp);
        e.custodians = custodians;
        currentEpoch = epoch;
        pendingDrawBlock = 0;
        emit EpochStarted(epoch, seed, custodians);
    }

    function epochCustodians(uint64 epoch) external view returns (address[] memory) {
        return _epochs[epoch].custodians;
    }

    function getEpoch(uint64 epoch) external view returns (Epoch memory) {
        return _epochs[epoch];
    }

    // ---------------------------------------------------------------- records (T_data)

    /// The id a store by `owner` with `salt` gets: known before the transaction, so share envelopes
    /// can be bound to it (src/sharing/envelope.ts context) before the record exists.
    function recordIdOf(address owner, bytes32 salt) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), owner, salt));
    }

    /// Records a value whose shares the caller sends to the current epoch's custodians.
    function storeRecord(bytes32 salt, bytes32 typeHash, bytes32 commitment) external returns (bytes32 recordId) {
        uint64 epoch = currentEpoch;
        if (epoch == 0) revert NoCustodyEpoch();
        if (typeHash == bytes32(0) || commitment == bytes32(0)) revert ZeroHash();
        recordId = recordIdOf(msg.sender, salt);
        Record storage r = _records[recordId];
        if (r.owner != address(0)) revert RecordExists(recordId);
        r.owner = msg.sender;
        r.epoch = epoch;
        r.typeHash = typeHash;
        r.commitment = commitment;
        emit RecordStored(recordId, msg.sender, typeHash, commitment, epoch);
    }

    /// T_data with an empty policy: from this block on no use is accepted and custodians erase their
    /// shares (they watch RecordDeleted). The id stays taken, so a deleted record never comes back.
    function deleteRecord(bytes32 recordId) external {
        Record storage r = _ownedLive(recordId);
        r.deletedAt = uint64(block.number);
        emit RecordDeleted(recordId, msg.sender);
    }

    function getRecord(bytes32 recordId) external view returns (RecordView memory v) {
        Record storage r = _records[recordId];
        if (r.owner == address(0)) revert UnknownRecord(recordId);
        v.owner = r.owner;
        v.epoch = r.epoch;
        v.deletedAt = r.deletedAt;
        v.t = custodyT;
        v.typeHash = r.typeHash;
        v.commitment = r.commitment;
        v.custodians = _epochs[r.epoch].custodians;
    }

    // ---------------------------------------------------------------- grants (T_access)

    function grantKey(bytes32 recordId, bytes32 codeHash, address requester) public pure returns (bytes32) {
        return keccak256(abi.encode(recordId, codeHash, requester));
    }

    /// Allows tasks of the secret contract `codeHash`, created by `requester` (0 = anyone), to use the
    /// record `maxUses` times (0 = unlimited) until `expiry` (0 = never). Granting again replaces the
    /// grant (uses counted afresh, a revocation lifted).
    function grantAccess(bytes32 recordId, bytes32 codeHash, address requester, uint64 expiry, uint32 maxUses) external {
        _ownedLive(recordId);
        if (codeHash == bytes32(0)) revert ZeroHash();
        if (expiry != 0 && expiry <= block.timestamp) revert InvalidExpiry(expiry);
        _grants[grantKey(recordId, codeHash, requester)] =
            Grant({expiry: expiry, maxUses: maxUses, used: 0, grantedAt: uint64(block.number), revokedAt: 0});
        emit AccessGranted(recordId, codeHash, requester, expiry, maxUses);
    }

    function revokeAccess(bytes32 recordId, bytes32 codeHash, address requester) external {
        _ownedLive(recordId);
        Grant storage g = _grants[grantKey(recordId, codeHash, requester)];
        if (g.grantedAt == 0) revert NotGranted(recordId, codeHash, requester);
        if (g.revokedAt != 0) revert GrantRevoked(recordId, codeHash, requester, g.revokedAt);
        g.revokedAt = uint64(block.number);
        emit AccessRevoked(recordId, codeHash, requester);
    }

    function getGrant(bytes32 recordId, bytes32 codeHash, address requester) external view returns (Grant memory) {
        return _grants[grantKey(recordId, codeHash, requester)];
    }

    function getGrantByKey(bytes32 key) external view returns (Grant memory) {
        return _grants[key];
    }

    /// Reverts with the reason a use by `requester` for `codeHash` would be refused now (the SDK calls
    /// it before creating a task, so a refused use costs no task fee); returns the grant that would pay.
    function checkUse(bytes32 recordId, bytes32 codeHash, address requester, bytes32 typeHash) public view returns (bytes32 key) {
        Record storage r = _records[recordId];
        if (r.owner == address(0)) revert UnknownRecord(recordId);
        if (r.deletedAt != 0) revert RecordIsDeleted(recordId, r.deletedAt);
        if (r.typeHash != typeHash) revert TypeMismatch(recordId, r.typeHash, typeHash);
        // A requester's own grant first; the open grant (requester 0) when the own one cannot pay.
        bytes32 own = grantKey(recordId, codeHash, requester);
        bytes4 ownError = _refusal(_grants[own]);
        if (ownError == bytes4(0)) return own;
        bytes32 open = grantKey(recordId, codeHash, address(0));
        if (_refusal(_grants[open]) == bytes4(0)) return open;
        // Name the refusal of the most specific grant that exists (none: NotGranted to the requester).
        bool ownExists = ownError != NotGranted.selector;
        Grant storage g = _grants[ownExists ? own : open];
        if (g.grantedAt == 0) revert NotGranted(recordId, codeHash, requester);
        _revertRefusal(recordId, codeHash, ownExists ? requester : address(0), g);
    }

    /// Binds input `slot` of `taskId` to the record and consumes one use of the grant that pays for it,
    /// atomically. Only the task's creator can bind (the grant names the requester by that address), and
    /// only while the task is open for inputs; a slot is bound once, so a use cannot be replayed.
    function useRecord(bytes32 recordId, bytes32 taskId, uint256 slot, bytes32 typeHash) external {
        EnigmaController.Task memory task = controller.getTask(taskId);
        if (task.status == EnigmaController.TaskStatus.None) revert UnknownTask(taskId);
        if (task.status != EnigmaController.TaskStatus.Pending && task.status != EnigmaController.TaskStatus.Open) {
            revert TaskNotOpen(taskId);
        }
        if (block.timestamp > task.deadline) revert TaskNotOpen(taskId);
        if (task.creator != msg.sender) revert NotTaskCreator(taskId, msg.sender);
        if (slot >= task.slotCount) revert InvalidSlot(slot);
        bytes32 slotKey = keccak256(abi.encode(taskId, slot));
        bytes32 bound = slotRecord[slotKey];
        if (bound != bytes32(0)) revert SlotAlreadyBound(taskId, slot, bound);
        bytes32 key = checkUse(recordId, task.codeHash, msg.sender, typeHash);
        Grant storage g = _grants[key];
        uint32 used = g.used + 1;
        g.used = used;
        slotRecord[slotKey] = recordId;
        emit RecordUsed(recordId, taskId, slot, task.codeHash, msg.sender, key, used);
    }

    // ---------------------------------------------------------------- internals

    function _ownedLive(bytes32 recordId) private view returns (Record storage r) {
        r = _records[recordId];
        if (r.owner == address(0)) revert UnknownRecord(recordId);
        if (r.owner != msg.sender) revert NotRecordOwner(recordId, msg.sender);
        if (r.deletedAt != 0) revert RecordIsDeleted(recordId, r.deletedAt);
    }

    /// The selector of the error a grant refuses with now, or 0 when it can pay one use.
    function _refusal(Grant storage g) private view returns (bytes4) {
        if (g.grantedAt == 0) return NotGranted.selector;
        if (g.revokedAt != 0) return GrantRevoked.selector;
        if (g.expiry != 0 && block.timestamp > g.expiry) return GrantExpired.selector;
        if (g.maxUses != 0 && g.used >= g.maxUses) return UsesExhausted.selector;
        return bytes4(0);
    }

    function _revertRefusal(bytes32 recordId, bytes32 codeHash, address requester, Grant storage g) private view {
        bytes4 why = _refusal(g);
        if (why == GrantRevoked.selector) revert GrantRevoked(recordId, codeHash, requester, g.revokedAt);
        if (why == GrantExpired.selector) revert GrantExpired(recordId, g.expiry);
        if (why == UsesExhausted.selector) revert UsesExhausted(recordId, g.maxUses);
        revert NotGranted(recordId, codeHash, requester);
    }
}
