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
        /// Epoch whose custody committee holds the shares (moves forward with each recorded hand-off).
        uint64 epoch;
        /// Block of deletion (0 = live).
        uint64 deletedAt;
        /// Hand-off tally (packed beside deletedAt): the epoch and attempt the confirmations count for,
        /// the new committee positions that confirmed (bitmap) and how many. Once `handoffEpoch ==
        /// epoch` the record came to its epoch by this hand-off, and `handoffVotes` names its holders.
        uint64 handoffEpoch;
        uint32 handoffAttempt;
        uint32 handoffVotes;
        uint8 handoffCount;
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
        /// The hand-off tally (see Record): when `handoffEpoch == epoch`, the record was handed to its
        /// current custodians by attempt `handoffAttempt`, and `handoffVotes` has a bit per holder.
        uint64 handoffEpoch;
        uint32 handoffAttempt;
        uint32 handoffVotes;
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
    /// A custodian of `epoch` holds the new shares of `count` records (one event per confirmation call).
    event HandoffConfirmed(uint64 indexed epoch, address indexed custodian, uint256 count);
    /// Enough new custodians confirmed: the record's custodians are now `toEpoch`'s committee, and the
    /// old ones erase their shares (they watch this event or the record's epoch).
    event RecordMoved(bytes32 indexed recordId, uint64 indexed fromEpoch, uint64 indexed toEpoch, uint32 attempt);
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
    error NotCustodian(uint64 epoch, address caller);
    error EpochNotCurrent(uint64 epoch, uint64 current);
    error NotHandedOff(bytes32 recordId, uint64 epoch);
    error AlreadyConfirmed(bytes32 recordId, address custodian);
    error StaleAttempt(bytes32 recordId, uint32 attempt, uint32 counted);
    error FutureAttempt(uint32 attempt, uint32 slot);
    error LengthMismatch(uint256 records, uint256 attempts);

    // ---------------------------------------------------------------- storage

    EnigmaController public immutable controller;
    uint8 public immutable custodyN;
    uint8 public immutable custodyT;
    /// Shortest time between two epoch changes requested by anyone (seconds).
    uint64 public immutable epochDuration;
    /// Length of one hand-off attempt slot (seconds): attempt k of an epoch's hand-offs runs during
    /// [startedAt + k·handoffSlot, startedAt + (k+1)·handoffSlot), so every node derives the same
    /// attempt (and session id) from chain time alone, and a failed attempt is retried in the next slot.
    uint64 public immutable handoffSlot;
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

    constructor(EnigmaController controller_, uint8 n, uint8 t, uint64 epochDuration_, uint64 handoffSlot_) {
        if (address(controller_) == address(0)) revert InvalidConfig("controller is zero");
        if (n < controller_.MIN_COMMITTEE() || n > controller_.MAX_COMMITTEE() || t < 1 || 2 * uint256(t) >= n) {
            revert InvalidConfig("custody committee needs 3 <= n <= 32 and 1 <= t < n/2");
        }
        if (epochDuration_ == 0) revert InvalidConfig("epochDuration must be > 0");
        if (handoffSlot_ == 0) revert InvalidConfig("handoffSlot must be > 0");
        handoffSlot = handoffSlot_;
        controller = controller_;
        custodyN = n;
        custodyT = t;
        epochDuration = epochDuration_;
        deploymentBlock = block.number;
    }

    // ---------------------------------------------------------------- epochs

    /// Step 1 of 2 of an epoch change, callable by anyone once the current epoch is `epochDuration`
    /// old (or when there is none), or at once when a current custodian has left the controller's
    /// active set (deactivated, withdrawing, slashed or suspended: its duty must move to someone who
    /// serves): fixes the future block whose randomness draws the custodians. Nobody, the caller
    /// included, knows the committee before that block is mined.
    function beginEpoch() external {
        if (pendingDrawBlock != 0) revert EpochPending(pendingDrawBlock);
        uint64 current = currentEpoch;
        if (current != 0) {
            uint64 nextAt = _epochs[current].startedAt + epochDuration;
            if (block.timestamp < nextAt && !custodianLeft()) revert EpochTooEarly(nextAt);
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

    /// True when a custodian of the current epoch is no longer active in the controller (it may
    /// leave early: `beginEpoch` then needs no `epochDuration`). O(n) controller reads.
    function custodianLeft() public view returns (bool) {
        address[] storage custodians = _epochs[currentEpoch].custodians;
        for (uint256 i = 0; i < custodians.length; i++) {
            EnigmaController.Node memory node = controller.getNode(custodians[i]);
            if (!node.active || node.slashed) return true;
        }
        return false;
    }

    /// Confirmations a hand-off into an epoch needs: n − t. Up to t new custodians that crash (or
    /// refuse) cannot block it, and the n − t ≥ t + 1 holders can hand the record on next time in
    /// malicious mode: the t custodians without a share are missing dealers every new member sees
    /// missing, so `requiredDealers` (src/protocols/reshare.ts) asks for max(t + 1, 2t + 1 − t) = t + 1.
    function handoffQuorum() public view returns (uint8) {
        return custodyN - custodyT;
    }

    /// The attempt slot of the current epoch's hand-offs at this block (see `handoffSlot`).
    function handoffAttemptNow() public view returns (uint32) {
        return uint32((block.timestamp - _epochs[currentEpoch].startedAt) / handoffSlot);
    }

    /// A custodian of the current epoch states that it holds, durably, its new share of each record
    /// from the hand-off attempt `attempts[i]` (issue #11 §3). A record moves to the epoch — its
    /// custodians become this committee, and the old ones erase their shares — once `handoffQuorum()`
    /// custodians confirmed the same attempt. A later attempt's confirmation restarts the tally (the
    /// earlier attempt did not complete: its shares are not one sharing with the later one's); an
    /// earlier attempt's is refused, as is an attempt whose slot has not begun (a custodian cannot
    /// bar the honest attempts by voting far ahead). A deleted record is skipped (deletion wins).
    function confirmHandoff(uint64 epoch, bytes32[] calldata recordIds, uint32[] calldata attempts) external {
        uint64 current = currentEpoch;
        if (epoch != current || current == 0) revert EpochNotCurrent(epoch, current);
        if (recordIds.length != attempts.length) revert LengthMismatch(recordIds.length, attempts.length);
        address[] storage custodians = _epochs[epoch].custodians;
        uint256 pos = custodians.length;
        for (uint256 i = 0; i < custodians.length; i++) {
            if (custodians[i] == msg.sender) {
                pos = i;
                break;
            }
        }
        if (pos == custodians.length) revert NotCustodian(epoch, msg.sender);
        uint32 bit = uint32(1) << uint32(pos);
        uint32 slot = handoffAttemptNow();
        uint8 quorum = handoffQuorum();
        for (uint256 i = 0; i < recordIds.length; i++) {
            bytes32 id = recordIds[i];
            uint32 attempt = attempts[i];
            Record storage r = _records[id];
            if (r.owner == address(0)) revert UnknownRecord(id);
            if (r.deletedAt != 0) continue;
            if (attempt > slot) revert FutureAttempt(attempt, slot);
            uint64 from = r.epoch;
            if (from < epoch) {
                if (r.handoffEpoch != epoch || attempt > r.handoffAttempt) {
                    r.handoffEpoch = epoch;
                    r.handoffAttempt = attempt;
                    r.handoffVotes = 0;
                    r.handoffCount = 0;
                } else if (attempt < r.handoffAttempt) {
                    revert StaleAttempt(id, attempt, r.handoffAttempt);
                }
            } else if (r.handoffEpoch != epoch) {
                // Stored in this epoch: its shares came from the owner, nobody handed them over.
                revert NotHandedOff(id, epoch);
            } else if (attempt != r.handoffAttempt) {
                revert StaleAttempt(id, attempt, r.handoffAttempt);
            }
            if (r.handoffVotes & bit != 0) revert AlreadyConfirmed(id, msg.sender);
            r.handoffVotes |= bit;
            uint8 count = r.handoffCount + 1;
            r.handoffCount = count;
            if (from < epoch && count >= quorum) {
                r.epoch = epoch;
                emit RecordMoved(id, from, epoch, attempt);
            }
        }
        emit HandoffConfirmed(epoch, msg.sender, recordIds.length);
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
        v.handoffEpoch = r.handoffEpoch;
        v.handoffAttempt = r.handoffAttempt;
        v.handoffVotes = r.handoffVotes;
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
