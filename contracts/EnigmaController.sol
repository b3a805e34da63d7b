// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {BlockHeader} from "@openzeppelin/contracts/utils/BlockHeader.sol";
import {Blockhash} from "@openzeppelin/contracts/utils/Blockhash.sol";

/// @title Enigma controller
/// @notice The blockchain as the controller of the secret-node network (whitepaper §3, §6–7): node
/// identities and stakes, the registry of secret contracts, the record of every task and its fee,
/// committee selection ("network reduction") from a later block's randomness, receipts signed by an
/// honest majority, suspension by committee vote and slashing on self-verifying evidence only.
/// Economic model, randomness bias bound and gas numbers: docs/controller.md; the exact selection
/// rule: docs/committee-selection.md.
contract EnigmaController is Ownable2Step, ReentrancyGuard, EIP712 {
    using SafeCast for uint256;
    using BitMaps for BitMaps.BitMap;

    // ---------------------------------------------------------------- constants

    /// A committee is at most 32 nodes so that signer sets fit a uint32 bitmap and selection stays cheap.
    uint256 public constant MAX_COMMITTEE = 32;
    /// Devnet floor (DESIGN.md §2): n ≥ 3, t ≥ 1, and always t < n/2 (honest majority).
    uint256 public constant MIN_COMMITTEE = 3;
    /// Slots cost nothing per slot in storage (Merkle root + bitmap); the cap bounds calldata and the
    /// on-chain root computation.
    uint256 public constant MAX_INPUT_SLOTS = 1024;
    /// Bound on the named recipients of `revealTo` outputs of one task.
    uint256 public constant MAX_RECIPIENTS = 32;
    uint8 public constant SECURITY_SEMI_HONEST = 0;
    uint8 public constant SECURITY_MALICIOUS = 1;
    /// Blocks between createTask and the block whose randomness draws the committee.
    uint256 public constant DRAW_DELAY = 2;
    /// Suspension needs a majority of the committee AND at least this many votes, whatever t is.
    uint256 public constant MIN_SUSPEND_VOTES = 2;
    /// Fresh draws a task may get after its first one (issue #12 re-run; docs/faults.md).
    uint256 public constant MAX_RERUNS = 2;
    /// Upper bound of the evidence reward, in basis points of the slashed stake.
    uint256 public constant MAX_REWARD_BPS = 500;
    /// Label of the Statement a committee member signs to attest a task's result (docs/controller.md).
    bytes32 public constant RECEIPT_LABEL = keccak256("enigma.receipt.v1");
    bytes32 public constant EQUIVOCATION_REASON = keccak256("enigma.equivocation");
    bytes32 private constant STATEMENT_TYPEHASH = keccak256("Statement(bytes32 taskId,bytes32 label,bytes32 contentHash)");
    bytes32 private constant ACCUSATION_TYPEHASH = keccak256("Accusation(bytes32 taskId,address accused,bytes32 reason)");
    /// Result callbacks (issue #16, docs/controller.md "Callbacks"): the largest gas limit a task may
    /// reserve (far below a block, so the receipt always fits), the gas kept back for the call itself
    /// and what follows it, and the longest revert reason copied into `CallbackResult`.
    uint256 public constant MAX_CALLBACK_GAS = 5_000_000;
    uint256 private constant CALLBACK_RESERVE = 30_000;
    uint256 private constant MAX_CALLBACK_REASON = 256;

    // ---------------------------------------------------------------- types

    struct Config {
        uint256 minStake;
        /// Seconds between going inactive and being allowed to withdraw (on top of the task lock).
        uint64 withdrawDelay;
        /// Longest allowed task (deadline − creation time), in seconds.
        uint64 maxTaskDuration;
        uint256 baseFee;
        uint256 feePerMultiplication;
        uint256 feePerRound;
        /// Reward to the submitter of slashing evidence, in bps of the stake (≤ MAX_REWARD_BPS) …
        uint16 reporterRewardBps;
        /// … and at most this many wei. The rest of a slashed stake goes to the treasury.
        uint256 reporterRewardCap;
        /// Part of every fee that is never refunded (goes to the treasury): grinding costs money.
        uint16 protocolFeeBps;
        /// createTask and drawCommittee need |active set| ≥ n · minActivePerSeat (stake splitting bound).
        uint16 minActivePerSeat;
        /// Seconds after a task's deadline during which evidence and suspension votes are accepted;
        /// committee members' stake stays locked until then.
        uint64 accusationWindow;
        /// Seconds after a receipt during which late co-signatures are accepted (all are paid).
        uint64 attestationWindow;
        /// How long a vote suspends a node (the owner may lift it earlier).
        uint64 suspensionPeriod;
        address treasury;
    }

    struct Node {
        string peerId;
        bytes32 encryptionKey;
        string[] multiaddrs;
        uint256 stake;
        uint64 inactiveSince;
        /// No withdrawal before this time: latest committee deadline + accusation window.
        uint64 lockedUntil;
        /// Excluded from the active set until this time (0 = not suspended).
        uint64 suspendedUntil;
        bool registered;
        bool active;
        bool slashed;
    }

    struct SecretContract {
        uint64 multiplications;
        uint32 rounds;
        string uri;
    }

    enum TaskStatus {
        None,
        /// Created, fee escrowed, committee not drawn yet.
        Pending,
        /// Committee drawn: inputs and the receipt are accepted.
        Open,
        /// Receipt accepted; late co-signatures accepted during the attestation window.
        Completed,
        /// Fee paid out to every attester.
        Settled,
        Refunded
    }

    struct InputSlot {
        string name;
        address owner;
    }

    /// The key a committee encrypts its shares of the `revealTo(name, x)` outputs to (emitted, not stored).
    struct OutputRecipient {
        /// Recipient name as the secret contract's `revealTo(name, x)` spells it.
        string name;
        /// X25519 public key of the recipient.
        bytes32 key;
    }

    /// A contract function the controller calls with `(bytes32 taskId, bytes typedOutputs)` once the
    /// task's receipt is accepted, with exactly `gasLimit` gas. The creator escrows
    /// `gasLimit × maxFeePerGas` on top of the fee; the receipt submitter is reimbursed `gasLimit ×
    /// min(tx.gasprice, maxFeePerGas)` of it, the rest returns to the creator. target 0 = no callback.
    struct Callback {
        address target;
        bytes4 selector;
        uint32 gasLimit;
        uint64 maxFeePerGas;
    }

    enum CallbackStatus {
        None,
        /// Requested; the receipt is not in yet.
        Pending,
        Succeeded,
        /// Failed (reverted, ran out of gas, no code, or malformed outputs); retryable once.
        Failed,
        RetrySucceeded,
        RetryFailed
    }

    struct CallbackState {
        address target;
        bytes4 selector;
        uint32 gasLimit;
        uint64 maxFeePerGas;
        CallbackStatus status;
    }

    struct TaskRequest {
        bytes32 codeHash;
        /// ABI-encoded public parameters (see src/chain/params.ts); the task stores keccak256 of it.
        bytes params;
        uint8 n;
        uint8 t;
        uint8 securityMode;
        /// Declared cost of the circuit: the fee is priced from it; nodes refuse a task whose
        /// declared cost is below the circuit they run (src/node/task-spec-check.ts).
        uint64 multiplications;
        uint32 rounds;
        InputSlot[] inputSlots;
        OutputRecipient[] recipients;
        uint64 deadline;
        /// Optional result callback (target 0 = none).
        Callback callback;
    }

    struct Task {
        bytes32 codeHash;
        bytes32 paramsHash;
        /// Merkle root (OZ MerkleProof, sorted pairs) of leaves keccak(keccak(abi.encode(slot, owner))).
        bytes32 slotRoot;
        bytes32 seed;
        /// keccak(abi.encode(outputHash, keccak(publicOutputs))) of the accepted receipt.
        bytes32 resultHash;
        address creator;
        /// Escrowed (refundable) part of the fee.
        uint96 fee;
        uint64 deadline;
        uint64 drawBlock;
        uint64 completedAt;
        uint32 slotCount;
        /// Bit i = committee member i attested the accepted result.
        uint32 attesters;
        uint8 n;
        uint8 t;
        uint8 securityMode;
        TaskStatus status;
        /// Fresh draws after the first (`rerunTask`).
        uint8 reruns;
        address[] committee;
    }

    // ---------------------------------------------------------------- events

    event PricingUpdated(uint256 baseFee, uint256 feePerMultiplication, uint256 feePerRound);
    event NodeRegistered(address indexed node, string peerId, bytes32 encryptionKey, string[] multiaddrs);
    event NodeUpdated(address indexed node, bytes32 encryptionKey, string[] multiaddrs);
    event Staked(address indexed node, uint256 amount, uint256 totalStake);
    event NodeActivated(address indexed node, uint256 stake);
    event NodeDeactivated(address indexed node, uint256 withdrawableAt);
    event NodeSuspended(address indexed node, bytes32 indexed taskId, bytes32 reason, uint64 until);
    event NodeUnsuspended(address indexed node);
    event StakeWithdrawn(address indexed node, uint256 amount, uint256 remaining);
    event SecretContractRegistered(
        bytes32 indexed codeHash, address indexed registrant, uint64 multiplications, uint32 rounds, string uri
    );
    event TaskCreated(
        bytes32 indexed taskId,
        bytes32 indexed codeHash,
        address indexed creator,
        bytes32 paramsHash,
        bytes params,
        uint8 n,
        uint8 t,
        uint8 securityMode,
        uint64 deadline,
        uint256 fee,
        uint256 protocolFee,
        uint64 multiplications,
        uint32 rounds,
        uint64 drawBlock,
        bytes32 slotRoot,
        InputSlot[] inputSlots,
        OutputRecipient[] recipients
    );
    event DrawRetargeted(bytes32 indexed taskId, uint64 drawBlock);
    event TaskRerun(bytes32 indexed taskId, address indexed culprit, uint8 reruns, uint64 drawBlock);
    event CommitteeDrawn(bytes32 indexed taskId, bytes32 seed, uint64 drawBlock, address[] committee);
    event InputCommitted(bytes32 indexed taskId, uint256 indexed slot, address indexed owner, bytes32 commitment);
    event TaskCompleted(bytes32 indexed taskId, bytes32 outputHash, bytes publicOutputs, address[] signers);
    event Attested(bytes32 indexed taskId, address indexed member);
    event TaskSettled(bytes32 indexed taskId, address[] paid, uint256 share, uint256 toTreasury);
    event TaskRefunded(bytes32 indexed taskId, address indexed creator, uint256 amount);
    event NodeSlashed(
        address indexed node, bytes32 indexed taskId, bytes32 reason, uint256 amount, address reporter, uint256 reward
    );
    event CreditsWithdrawn(address indexed account, uint256 amount);
    /// Outcome of a callback run (Succeeded, Failed, RetrySucceeded, RetryFailed); `reason`: the
    /// callee's revert data when it failed, at most MAX_CALLBACK_REASON bytes of it.
    event CallbackResult(bytes32 indexed taskId, CallbackStatus status, bytes reason);

    // ---------------------------------------------------------------- errors

    error InvalidConfig(string what);
    error AlreadyRegistered(address node);
    error NotRegistered(address node);
    error NodeIsSlashed(address node);
    error NodeIsSuspended(address node, uint64 until);
    error NotSuspended(address node);
    error AlreadyAccused(bytes32 taskId, address node);
    error InvalidNodeInfo(string what);
    error PeerIdTaken(address holder);
    error EncryptionKeyTaken(address holder);
    error ZeroAmount();
    error InsufficientStake(uint256 stake, uint256 required);
    error AlreadyActive(address node);
    error NotActive(address node);
    error StillActive(address node);
    error WithdrawTooEarly(uint256 withdrawableAt);
    error AmountExceedsStake(uint256 amount, uint256 stake);
    error ContractAlreadyRegistered(bytes32 codeHash, address registrant);
    error UnknownContract(bytes32 codeHash, address registrant);
    error InvalidCommittee(uint256 n, uint256 t);
    error NotEnoughActiveNodes(uint256 required, uint256 active);
    error InvalidSecurityMode(uint8 mode);
    error InvalidDeadline(uint64 deadline);
    error TooManyInputSlots(uint256 count);
    error ZeroSlotOwner(uint256 slot);
    error TooManyRecipients(uint256 count);
    error ZeroRecipientKey(uint256 index);
    error InsufficientFee(uint256 paid, uint256 price);
    error UnknownTask(bytes32 taskId);
    error TaskNotOpen(bytes32 taskId, TaskStatus status);
    error DrawTooEarly(uint64 drawBlock);
    error InvalidBlockHeader();
    error InvalidSlot(uint256 slot);
    error NotSlotOwner(address caller);
    error SlotAlreadyFilled(uint256 slot);
    error ZeroCommitment();
    error DeadlinePassed(uint64 deadline);
    error DeadlineNotReached(uint64 deadline);
    error WindowClosed(uint256 closedAt);
    error WindowOpen(uint256 closesAt);
    error NotCommitteeMember(address account);
    error InvalidSignature(uint256 index);
    error DuplicateSigner(address signer);
    error InsufficientSignatures(uint256 count, uint256 required);
    error AccusedCannotSign(address accused);
    error SelfReport(address reporter);
    error NotConflicting();
    error TooManyReruns(bytes32 taskId);
    error NothingToWithdraw();
    error TransferFailed(address to, uint256 amount);
    error InvalidCallback();
    error CallbackNotRetryable(bytes32 taskId, CallbackStatus status);
    error ResultMismatch();
    error InsufficientCallbackGas(uint256 required);

    // ---------------------------------------------------------------- storage

    address public immutable treasury;
    /// Where event scans start (a watcher never reads from block 0).
    uint256 public immutable deploymentBlock;
    uint256 public immutable minStake;
    uint64 public immutable withdrawDelay;
    uint64 public immutable maxTaskDuration;
    uint16 public immutable reporterRewardBps;
    uint256 public immutable reporterRewardCap;
    uint16 public immutable protocolFeeBps;
    uint16 public immutable minActivePerSeat;
    uint64 public immutable accusationWindow;
    uint64 public immutable attestationWindow;
    uint64 public immutable suspensionPeriod;

    uint256 public baseFee;
    uint256 public feePerMultiplication;
    uint256 public feePerRound;

    mapping(address => Node) private _nodes;
    /// keccak(peerId) → node, encryption key → node: one identity per node (issue #10 point 9).
    mapping(bytes32 => address) public peerIdHolder;
    mapping(bytes32 => address) public encryptionKeyHolder;
    address[] private _active;
    /// 1-based position in `_active` (0 = not in the set), for O(1) removal.
    mapping(address => uint256) private _activePos;
    /// Fenwick tree over the stakes of `_active` (1-based positions): `_tree[i]` = Σ stake over
    /// positions (i − lowbit(i), i]. Selection descends it: O(log N) per draw.
    mapping(uint256 => uint256) private _tree;
    uint256 public totalActiveStake;

    /// (codeHash, registrant) → entry: a registration cannot squat anyone else's code hash.
    mapping(bytes32 => mapping(address => SecretContract)) private _contracts;

    uint256 public taskCount;
    mapping(bytes32 => Task) private _tasks;
    mapping(bytes32 => BitMaps.BitMap) private _filled;
    /// Task id → the members already suspended on votes for it (bit = address): the same votes, re-sent
    /// after the owner's `unsuspend`, must not suspend the member again (issue #12).
    mapping(bytes32 => BitMaps.BitMap) private _accused;
    /// Sum of the escrowed fees of tasks not yet settled or refunded, and of the callback gas escrow
    /// of tasks without a receipt yet (for the accounting invariant).
    uint256 public totalEscrowed;
    /// Task id → its result callback and the callback's status (docs/controller.md "Callbacks").
    mapping(bytes32 => CallbackState) public callbacks;

    /// Pull payments (fees, refunds, rewards): a failing recipient can never block anything.
    mapping(address => uint256) public credits;
    uint256 public totalCredits;
    uint256 public totalStaked;

    constructor(Config memory config) Ownable(msg.sender) EIP712("Enigma", "1") {
        if (config.minStake == 0) revert InvalidConfig("minStake must be > 0");
        if (config.treasury == address(0)) revert InvalidConfig("treasury is zero");
        if (config.reporterRewardBps > MAX_REWARD_BPS) revert InvalidConfig("reporterRewardBps > MAX_REWARD_BPS");
        if (config.protocolFeeBps > 10_000) revert InvalidConfig("protocolFeeBps > 10000");
        if (config.minActivePerSeat == 0) revert InvalidConfig("minActivePerSeat must be > 0");
        if (config.maxTaskDuration == 0) revert InvalidConfig("maxTaskDuration must be > 0");
        if (config.accusationWindow == 0) revert InvalidConfig("accusationWindow must be > 0");
        if (config.attestationWindow == 0) revert InvalidConfig("attestationWindow must be > 0");
        if (config.suspensionPeriod == 0) revert InvalidConfig("suspensionPeriod must be > 0");
        treasury = config.treasury;
        deploymentBlock = block.number;
        minStake = config.minStake;
        withdrawDelay = config.withdrawDelay;
        maxTaskDuration = config.maxTaskDuration;
        reporterRewardBps = config.reporterRewardBps;
        reporterRewardCap = config.reporterRewardCap;
        protocolFeeBps = config.protocolFeeBps;
        minActivePerSeat = config.minActivePerSeat;
        accusationWindow = config.accusationWindow;
        attestationWindow = config.attestationWindow;
        suspensionPeriod = config.suspensionPeriod;
        _setPricing(config.baseFee, config.feePerMultiplication, config.feePerRound);
    }

    // ---------------------------------------------------------------- owner

    function setPricing(uint256 base, uint256 perMultiplication, uint256 perRound) external onlyOwner {
        _setPricing(base, perMultiplication, perRound);
    }

    function _setPricing(uint256 base, uint256 perMultiplication, uint256 perRound) private {
        baseFee = base;
        feePerMultiplication = perMultiplication;
        feePerRound = perRound;
        emit PricingUpdated(base, perMultiplication, perRound);
    }

    /// Review outcome: lifts a vote suspension early (the node then reactivates itself).
    function unsuspend(address account) external onlyOwner {
        Node storage node = _nodes[account];
        if (node.suspendedUntil <= block.timestamp) revert NotSuspended(account);
        node.suspendedUntil = 0;
        emit NodeUnsuspended(account);
    }

    // ---------------------------------------------------------------- node registry

    function registerNode(string calldata peerId, bytes32 encryptionKey, string[] calldata multiaddrs)
        external
        payable
    {
        Node storage node = _nodes[msg.sender];
        if (node.registered) revert AlreadyRegistered(msg.sender);
        if (bytes(peerId).length == 0) revert InvalidNodeInfo("empty peerId");
        bytes32 peerKey = keccak256(bytes(peerId));
        if (peerIdHolder[peerKey] != address(0)) revert PeerIdTaken(peerIdHolder[peerKey]);
        peerIdHolder[peerKey] = msg.sender;
        _claimKey(encryptionKey);
        node.registered = true;
        node.peerId = peerId;
        node.encryptionKey = encryptionKey;
        node.multiaddrs = multiaddrs;
        emit NodeRegistered(msg.sender, peerId, encryptionKey, multiaddrs);
        if (msg.value > 0) _addStake(node, msg.value);
    }

    /// Keys and addresses may rotate; the peer id (the node's libp2p identity) may not.
    function updateNode(bytes32 encryptionKey, string[] calldata multiaddrs) external {
        Node storage node = _liveNode(msg.sender);
        if (encryptionKey != node.encryptionKey) {
            _claimKey(encryptionKey);
            delete encryptionKeyHolder[node.encryptionKey];
            node.encryptionKey = encryptionKey;
        }
        node.multiaddrs = multiaddrs;
        emit NodeUpdated(msg.sender, encryptionKey, multiaddrs);
    }

    function _claimKey(bytes32 encryptionKey) private {
        if (encryptionKey == bytes32(0)) revert InvalidNodeInfo("zero encryptionKey");
        address holder = encryptionKeyHolder[encryptionKey];
        if (holder != address(0)) revert EncryptionKeyTaken(holder);
        encryptionKeyHolder[encryptionKey] = msg.sender;
    }

    function stake() external payable {
        if (msg.value == 0) revert ZeroAmount();
        _addStake(_liveNode(msg.sender), msg.value);
    }

    function _addStake(Node storage node, uint256 amount) private {
        node.stake += amount;
        totalStaked += amount;
        if (node.active) {
            totalActiveStake += amount;
            _treeAdd(_activePos[msg.sender], amount);
        }
        emit Staked(msg.sender, amount, node.stake);
    }

    function setActive(bool active) external {
        Node storage node = _liveNode(msg.sender);
        if (active) {
            if (node.active) revert AlreadyActive(msg.sender);
            if (node.suspendedUntil > block.timestamp) revert NodeIsSuspended(msg.sender, node.suspendedUntil);
            if (node.stake < minStake) revert InsufficientStake(node.stake, minStake);
            node.active = true;
            node.inactiveSince = 0;
            _pushActive(msg.sender, node.stake);
            emit NodeActivated(msg.sender, node.stake);
        } else {
            if (!node.active) revert NotActive(msg.sender);
            _deactivate(msg.sender, node);
        }
    }

    /// Possible once the node is inactive, `withdrawDelay` after it left, and after every committee it
    /// served can no longer be judged (`lockedUntil` = latest deadline + accusation window).
    function withdrawStake(uint256 amount) external nonReentrant {
        Node storage node = _liveNode(msg.sender);
        if (node.active) revert StillActive(msg.sender);
        if (amount == 0) revert ZeroAmount();
        if (amount > node.stake) revert AmountExceedsStake(amount, node.stake);
        uint256 availableAt = withdrawableAt(msg.sender);
        if (block.timestamp < availableAt) revert WithdrawTooEarly(availableAt);
        node.stake -= amount;
        totalStaked -= amount;
        emit StakeWithdrawn(msg.sender, amount, node.stake);
        _send(msg.sender, amount);
    }

    /// When an inactive node may withdraw (uint256: no uint64 overflow for any withdrawDelay).
    function withdrawableAt(address account) public view returns (uint256) {
        Node storage node = _nodes[account];
        // inactiveSince is 0 only for a node that never activated: it served no task.
        uint256 unbonded = node.inactiveSince == 0 ? 0 : uint256(node.inactiveSince) + withdrawDelay;
        return unbonded > node.lockedUntil ? unbonded : node.lockedUntil;
    }

    function _liveNode(address account) private view returns (Node storage node) {
        node = _nodes[account];
        if (!node.registered) revert NotRegistered(account);
        if (node.slashed) revert NodeIsSlashed(account);
    }

    function _deactivate(address account, Node storage node) private {
        node.active = false;
        node.inactiveSince = uint64(block.timestamp);
        totalActiveStake -= node.stake;
        _removeActive(account, node.stake);
        emit NodeDeactivated(account, withdrawableAt(account));
    }

    function getNode(address account) external view returns (Node memory) {
        return _nodes[account];
    }

    function activeNodes() external view returns (address[] memory) {
        return _active;
    }

    // ---------------------------------------------------------------- Fenwick tree of active stakes

    function _pushActive(address account, uint256 weight) private {
        _active.push(account);
        uint256 pos = _active.length;
        _activePos[account] = pos;
        totalActiveStake += weight;
        // A new last position covers (pos − lowbit(pos), pos]: its own weight plus the subtree
        // sums of the positions before it inside that range.
        uint256 sum = weight;
        uint256 low = pos - (pos & (~pos + 1));
        for (uint256 j = pos - 1; j > low; j -= j & (~j + 1)) {
            sum += _tree[j];
        }
        _tree[pos] = sum;
    }

    /// Swap-and-pop: the last node moves into the freed position.
    function _removeActive(address account, uint256 weight) private {
        uint256 pos = _activePos[account];
        uint256 last = _active.length;
        if (pos != last) {
            address moved = _active[last - 1];
            uint256 movedWeight = _nodes[moved].stake;
            if (movedWeight > weight) _treeAdd(pos, movedWeight - weight);
            else if (weight > movedWeight) _treeSub(pos, weight - movedWeight);
            _active[pos - 1] = moved;
            _activePos[moved] = pos;
        }
        delete _tree[last];
        _active.pop();
        delete _activePos[account];
    }

    function _treeAdd(uint256 pos, uint256 amount) private {
        uint256 len = _active.length;
        for (uint256 i = pos; i <= len; i += i & (~i + 1)) {
            _tree[i] += amount;
        }
    }

    function _treeSub(uint256 pos, uint256 amount) private {
        uint256 len = _active.length;
        for (uint256 i = pos; i <= len; i += i & (~i + 1)) {
            _tree[i] -= amount;
        }
    }

    /// Σ stake of active positions 1..pos (for tests and audits).
    function prefixStake(uint256 pos) external view returns (uint256 sum) {
        for (uint256 i = pos; i > 0; i -= i & (~i + 1)) {
            sum += _tree[i];
        }
    }

    // ---------------------------------------------------------------- secret contracts

    /// Registers a compiled secret contract under (codeHash, caller): no one can squat another
    /// registrant's entry. Entries are immutable. Informational: a task declares its own cost.
    function registerSecretContract(bytes32 codeHash, uint64 multiplications, uint32 rounds, string calldata uri)
        external
    {
        SecretContract storage c = _contracts[codeHash][msg.sender];
        if (bytes(c.uri).length != 0 || c.multiplications != 0 || c.rounds != 0) {
            revert ContractAlreadyRegistered(codeHash, msg.sender);
        }
        if (bytes(uri).length == 0) revert InvalidNodeInfo("empty uri");
        _contracts[codeHash][msg.sender] = SecretContract(multiplications, rounds, uri);
        emit SecretContractRegistered(codeHash, msg.sender, multiplications, rounds, uri);
    }

    function getSecretContract(bytes32 codeHash, address registrant) external view returns (SecretContract memory) {
        return _contracts[codeHash][registrant];
    }

    /// Price of a task with the given declared cost: base + per multiplication + per round.
    function quoteCost(uint64 multiplications, uint32 rounds) public view returns (uint256) {
        return baseFee + feePerMultiplication * multiplications + feePerRound * rounds;
    }

    /// Price of a task of a registered entry.
    function quote(bytes32 codeHash, address registrant) external view returns (uint256) {
        SecretContract storage c = _contracts[codeHash][registrant];
        if (bytes(c.uri).length == 0) revert UnknownContract(codeHash, registrant);
        return quoteCost(c.multiplications, c.rounds);
    }

    // ---------------------------------------------------------------- tasks

    /// Step 1 of 2: escrows the fee (minus the non-refundable protocol part) and fixes the block
    /// whose randomness will draw the committee; nothing about the committee is known yet.
    function createTask(TaskRequest calldata req) external payable returns (bytes32 taskId) {
        Callback calldata cb = req.callback;
        uint256 callbackEscrow = uint256(cb.gasLimit) * cb.maxFeePerGas;
        uint256 price = quoteCost(req.multiplications, req.rounds) + callbackEscrow;
        if (msg.value < price) revert InsufficientFee(msg.value, price);
        if (req.n < MIN_COMMITTEE || req.n > MAX_COMMITTEE || req.t < 1 || 2 * uint256(req.t) >= req.n) {
            revert InvalidCommittee(req.n, req.t);
        }
        _requireActiveFor(req.n);
        if (req.securityMode > SECURITY_MALICIOUS) revert InvalidSecurityMode(req.securityMode);
        if (req.deadline <= block.timestamp || req.deadline > block.timestamp + maxTaskDuration) {
            revert InvalidDeadline(req.deadline);
        }
        if (req.inputSlots.length > MAX_INPUT_SLOTS) revert TooManyInputSlots(req.inputSlots.length);
        if (req.recipients.length > MAX_RECIPIENTS) revert TooManyRecipients(req.recipients.length);
        for (uint256 i = 0; i < req.recipients.length; i++) {
            if (req.recipients[i].key == bytes32(0)) revert ZeroRecipientKey(i);
        }

        taskId = keccak256(abi.encode(block.chainid, address(this), ++taskCount));
        uint256 paid = msg.value - callbackEscrow;
        uint256 protocolFee = paid * protocolFeeBps / 10_000;
        uint256 escrow = paid - protocolFee;
        Task storage task = _tasks[taskId];
        task.codeHash = req.codeHash;
        task.paramsHash = keccak256(req.params);
        task.slotRoot = slotRoot(req.inputSlots);
        task.creator = msg.sender;
        task.fee = escrow.toUint96();
        task.deadline = req.deadline;
        task.drawBlock = (block.number + DRAW_DELAY).toUint64();
        task.slotCount = uint32(req.inputSlots.length);
        task.n = req.n;
        task.t = req.t;
        task.securityMode = req.securityMode;
        task.status = TaskStatus.Pending;
        totalEscrowed += escrow + callbackEscrow;
        _credit(treasury, protocolFee);
        _emitCreated(taskId, task, req, protocolFee);
        if (cb.target != address(0)) {
            if (cb.target == address(this) || cb.gasLimit == 0 || cb.gasLimit > MAX_CALLBACK_GAS) revert InvalidCallback();
            callbacks[taskId] = CallbackState(cb.target, cb.selector, cb.gasLimit, cb.maxFeePerGas, CallbackStatus.Pending);
        } else if (callbackEscrow != 0) {
            revert InvalidCallback();
        }
    }

    function _emitCreated(bytes32 taskId, Task storage task, TaskRequest calldata req, uint256 protocolFee) private {
        emit TaskCreated(
            taskId,
            req.codeHash,
            msg.sender,
            task.paramsHash,
            req.params,
            req.n,
            req.t,
            req.securityMode,
            req.deadline,
            task.fee,
            protocolFee,
            req.multiplications,
            req.rounds,
            task.drawBlock,
            task.slotRoot,
            req.inputSlots,
            req.recipients
        );
    }

    /// Merkle root of the slot owners, computed on chain from the calldata so that the root and the
    /// emitted owner list cannot disagree and no slot belongs to address 0. Leaves are
    /// keccak(keccak(abi.encode(index, owner))) (OZ's double hashing against second preimages), pairs
    /// are hashed sorted (OZ `commutativeKeccak256`), an odd node at the end of a level moves up
    /// unchanged. TypeScript twin: src/chain/merkle.ts.
    function slotRoot(InputSlot[] calldata slots) public pure returns (bytes32) {
        uint256 count = slots.length;
        if (count == 0) return bytes32(0);
        bytes32[] memory level = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            address owner_ = slots[i].owner;
            if (owner_ == address(0)) revert ZeroSlotOwner(i);
            level[i] = slotLeaf(i, owner_);
        }
        while (count > 1) {
            uint256 half = 0;
            for (uint256 i = 0; i < count; i += 2) {
                level[half++] = i + 1 < count ? Hashes.commutativeKeccak256(level[i], level[i + 1]) : level[i];
            }
            count = half;
        }
        return level[0];
    }

    function slotLeaf(uint256 slot, address owner_) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(slot, owner_))));
    }

    function _requireActiveFor(uint256 n) private view {
        uint256 required = n * minActivePerSeat;
        if (_active.length < required) revert NotEnoughActiveNodes(required, _active.length);
    }

    /// Step 2 of 2, callable by anyone once `drawBlock` is mined: the seed is the prevRandao of block
    /// `drawBlock`, read from its header (checked against `blockhash`), mixed with the task id. If
    /// `drawBlock` is out of BLOCKHASH reach, the draw is re-targeted to a new future block.
    function drawCommittee(bytes32 taskId, bytes calldata header) external {
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Pending) _revertStatus(taskId, task.status);
        if (block.timestamp > task.deadline) revert DeadlinePassed(task.deadline);
        uint64 drawBlock = task.drawBlock;
        if (block.number <= drawBlock) revert DrawTooEarly(drawBlock);
        bytes32 hash = Blockhash.blockHash(drawBlock);
        if (hash == bytes32(0)) {
            uint64 next = (block.number + DRAW_DELAY).toUint64();
            task.drawBlock = next;
            emit DrawRetargeted(taskId, next);
            return;
        }
        if (keccak256(header) != hash) revert InvalidBlockHeader();
        bytes32 seed = committeeSeed(BlockHeader.getPrevRandao(header), taskId);
        _requireActiveFor(task.n);
        address[] memory committee = selectCommittee(seed, task.n);
        uint64 lock = task.deadline + accusationWindow;
        for (uint256 i = 0; i < committee.length; i++) {
            Node storage node = _nodes[committee[i]];
            if (node.lockedUntil < lock) node.lockedUntil = lock;
        }
        task.seed = seed;
        task.committee = committee;
        task.status = TaskStatus.Open;
        emit CommitteeDrawn(taskId, seed, drawBlock, committee);
    }

    function committeeSeed(bytes32 randomness, bytes32 taskId) public pure returns (bytes32) {
        return keccak256(abi.encode(randomness, taskId));
    }

    /// Stake-weighted sequential sampling without replacement over the current active set (the exact
    /// rule: docs/committee-selection.md). Each draw descends the Fenwick tree, subtracting in memory
    /// the weights of positions already picked: O(n · (log N + n)), no walk over the active set.
    function selectCommittee(bytes32 seed, uint256 n) public view returns (address[] memory committee) {
        uint256 count = _active.length;
        if (n > count) revert NotEnoughActiveNodes(n, count);
        uint256 top = 1;
        while (top * 2 <= count) top *= 2;
        uint256[] memory pickedPos = new uint256[](n);
        uint256[] memory pickedWeight = new uint256[](n);
        uint256 total = totalActiveStake;
        committee = new address[](n);
        for (uint256 k = 0; k < n; k++) {
            // 256-bit draw modulo a total far below 2^128: the modulo bias is below 2^-128.
            uint256 r = uint256(keccak256(abi.encode(seed, k))) % total;
            uint256 pos = 0;
            for (uint256 step = top; step > 0; step >>= 1) {
                uint256 next = pos + step;
                if (next > count) continue;
                uint256 s = _tree[next];
                for (uint256 m = 0; m < k; m++) {
                    if (pickedPos[m] > pos && pickedPos[m] <= next) s -= pickedWeight[m];
                }
                if (s <= r) {
                    pos = next;
                    r -= s;
                }
            }
            address chosen = _active[pos];
            uint256 w = _nodes[chosen].stake;
            pickedPos[k] = pos + 1;
            pickedWeight[k] = w;
            total -= w;
            committee[k] = chosen;
        }
    }

    /// The owner of slot `slot` (proved by `proof` against the task's root) commits its input once,
    /// before the deadline, after the committee is drawn (inputs are encrypted to its keys).
    function fillInputSlot(bytes32 taskId, uint256 slot, bytes32[] calldata proof, bytes32 commitment) external {
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Open) _revertStatus(taskId, task.status);
        if (block.timestamp > task.deadline) revert DeadlinePassed(task.deadline);
        if (slot >= task.slotCount) revert InvalidSlot(slot);
        if (commitment == bytes32(0)) revert ZeroCommitment();
        if (!MerkleProof.verifyCalldata(proof, task.slotRoot, slotLeaf(slot, msg.sender))) revert NotSlotOwner(msg.sender);
        BitMaps.BitMap storage filled = _filled[taskId];
        if (filled.get(slot)) revert SlotAlreadyFilled(slot);
        filled.set(slot);
        emit InputCommitted(taskId, slot, msg.sender, commitment);
    }

    function isSlotFilled(bytes32 taskId, uint256 slot) external view returns (bool) {
        return _filled[taskId].get(slot);
    }

    function getTask(bytes32 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    function _knownTask(bytes32 taskId) private view returns (Task storage task) {
        task = _tasks[taskId];
        if (task.status == TaskStatus.None) revert UnknownTask(taskId);
    }

    function _revertStatus(bytes32 taskId, TaskStatus status) private pure {
        if (status == TaskStatus.None) revert UnknownTask(taskId);
        revert TaskNotOpen(taskId, status);
    }

    // ---------------------------------------------------------------- receipts, payment, refunds

    /// Accepts a result signed by at least t+1 committee members (an honest majority includes at
    /// least one honest node, so a corrupt minority cannot forge a receipt). Each signature is an
    /// EIP-712 Statement(taskId, RECEIPT_LABEL, keccak256(abi.encode(outputHash, keccak256(publicOutputs)))).
    /// The result is final; who is paid is decided after the attestation window, not by the submitter.
    /// Checks, effects, then the task's result callback (if any) as the one interaction, last.
    function submitReceipt(bytes32 taskId, bytes32 outputHash, bytes calldata publicOutputs, bytes[] calldata signatures)
        external
        nonReentrant
    {
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Open) _revertStatus(taskId, task.status);
        if (block.timestamp > task.deadline) revert DeadlinePassed(task.deadline);
        address[] storage committee = task.committee;
        _memberIndex(committee, msg.sender);
        bytes32 resultHash = receiptContentHash(outputHash, publicOutputs);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(STATEMENT_TYPEHASH, taskId, RECEIPT_LABEL, resultHash)));
        (address[] memory signers, uint256 bits) = _recoverMembers(committee, digest, signatures, address(0));
        if (signers.length < uint256(task.t) + 1) revert InsufficientSignatures(signers.length, uint256(task.t) + 1);

        task.status = TaskStatus.Completed;
        task.resultHash = resultHash;
        task.completedAt = uint64(block.timestamp);
        task.attesters = uint32(bits);
        emit TaskCompleted(taskId, outputHash, publicOutputs, signers);
        CallbackState storage cb = callbacks[taskId];
        if (cb.status == CallbackStatus.Pending) {
            // The callback's gas escrow leaves the escrow now: the submitter pays the callback's gas,
            // reimbursed at no more than the creator's cap (docs/controller.md "Callbacks").
            uint256 escrow = uint256(cb.gasLimit) * cb.maxFeePerGas;
            uint256 reimbursed = uint256(cb.gasLimit) * (tx.gasprice < cb.maxFeePerGas ? tx.gasprice : cb.maxFeePerGas);
            totalEscrowed -= escrow;
            _credit(msg.sender, reimbursed);
            _credit(task.creator, escrow - reimbursed);
            _runCallback(taskId, cb, publicOutputs, false);
        }
    }

    /// Anyone may run a failed callback once more, during the attestation window after the receipt,
    /// with the accepted result (checked against the stored result hash). The caller pays its gas.
    function retryCallback(bytes32 taskId, bytes32 outputHash, bytes calldata publicOutputs) external nonReentrant {
        Task storage task = _tasks[taskId];
        CallbackState storage cb = callbacks[taskId];
        if (cb.status != CallbackStatus.Failed) revert CallbackNotRetryable(taskId, cb.status);
        uint256 closesAt = uint256(task.completedAt) + attestationWindow;
        if (block.timestamp > closesAt) revert WindowClosed(closesAt);
        if (receiptContentHash(outputHash, publicOutputs) != task.resultHash) revert ResultMismatch();
        _runCallback(taskId, cb, publicOutputs, true);
    }

    /// The one external call of the receipt path, made after every effect (both callers are
    /// nonReentrant). The status is written as failed before the call and upgraded after a success,
    /// so a callee that re-enters sees no pending callback. The callee gets exactly `gasLimit` gas:
    /// the caller must leave enough that the 63/64 rule (EIP-150) cannot cut it down, so a submitter
    /// cannot starve a callback into failing. At most MAX_CALLBACK_REASON bytes of revert data are
    /// copied (a returndata bomb costs the callee, not the controller).
    function _runCallback(bytes32 taskId, CallbackState storage cb, bytes calldata publicOutputs, bool retry) private {
        cb.status = retry ? CallbackStatus.RetryFailed : CallbackStatus.Failed;
        uint256 gasLimit = cb.gasLimit;
        address target = cb.target;
        bytes4 selector = cb.selector;
        uint256 required = gasLimit + gasLimit / 63 + CALLBACK_RESERVE;
        if (gasleft() < required) revert InsufficientCallbackGas(required);
        uint256 status;
        bytes32 topic = CallbackResult.selector;
        assembly ("memory-safe") {
            // The typed encoding inside the attested outputs `abi.encode(string[] names, uint256[][]
            // fieldValues, bytes typed)` (docs/controller.md "Typed outputs"), read in place: the callee
            // gets exactly bytes that t+1 members signed. Malformed outputs count as a failed callback.
            let len := publicOutputs.length
            let typedAt := 0
            let typedLen := 0
            if gt(len, 0x5f) {
                let at := calldataload(add(publicOutputs.offset, 0x40))
                if iszero(gt(at, sub(len, 0x20))) {
                    typedLen := calldataload(add(publicOutputs.offset, at))
                    if iszero(gt(typedLen, sub(sub(len, at), 0x20))) { typedAt := add(add(publicOutputs.offset, at), 0x20) }
                }
            }
            let ok := 0
            let size := 0
            let p := mload(0x40)
            if and(gt(typedAt, 0), gt(extcodesize(target), 0)) {
                // abi.encodeWithSelector(selector, taskId, typed), in unallocated memory.
                mstore(p, selector)
                mstore(add(p, 0x04), taskId)
                mstore(add(p, 0x24), 0x40)
                mstore(add(p, 0x44), typedLen)
                let padded := and(add(typedLen, 0x1f), not(0x1f))
                mstore(add(add(p, 0x44), padded), 0)
                calldatacopy(add(p, 0x64), typedAt, typedLen)
                ok := call(gasLimit, target, 0, p, add(0x64, padded), 0, 0)
                if iszero(ok) { size := returndatasize() }
            }
            // Succeeded 2, Failed 3, RetrySucceeded 4, RetryFailed 5.
            status := add(sub(3, ok), mul(retry, 2))
            // CallbackResult(taskId, status, reason): at most MAX_CALLBACK_REASON bytes of revert data.
            if gt(size, MAX_CALLBACK_REASON) { size := MAX_CALLBACK_REASON }
            let padded := and(add(size, 0x1f), not(0x1f))
            mstore(p, status)
            mstore(add(p, 0x20), 0x40)
            mstore(add(p, 0x40), size)
            mstore(add(add(p, 0x40), padded), 0)
            returndatacopy(add(p, 0x60), 0, size)
            log2(p, add(0x60, padded), topic, taskId)
        }
        cb.status = CallbackStatus(status);
    }

    /// Late co-signatures of the accepted result, during the attestation window: every member that
    /// attested is paid the same, whoever submitted the receipt. Already-counted signers are skipped.
    function attest(bytes32 taskId, bytes[] calldata signatures) external {
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Completed) _revertStatus(taskId, task.status);
        uint256 closesAt = uint256(task.completedAt) + attestationWindow;
        if (block.timestamp > closesAt) revert WindowClosed(closesAt);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(STATEMENT_TYPEHASH, taskId, RECEIPT_LABEL, task.resultHash)));
        uint256 bits = task.attesters;
        for (uint256 i = 0; i < signatures.length; i++) {
            address signer = _recover(digest, signatures[i], i);
            uint256 bit = 1 << _memberIndex(task.committee, signer);
            if (bits & bit != 0) continue;
            if (_nodes[signer].slashed) revert NodeIsSlashed(signer);
            bits |= bit;
            emit Attested(taskId, signer);
        }
        task.attesters = uint32(bits);
    }

    /// After the attestation window anyone pays the fee out: equal shares to every attester that is
    /// not slashed by then; the indivisible remainder (and the whole fee if none is left) to the treasury.
    function settle(bytes32 taskId) external {
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Completed) _revertStatus(taskId, task.status);
        uint256 closesAt = uint256(task.completedAt) + attestationWindow;
        if (block.timestamp <= closesAt) revert WindowOpen(closesAt);
        task.status = TaskStatus.Settled;
        uint256 bits = task.attesters;
        address[] storage committee = task.committee;
        address[] memory paid = new address[](committee.length);
        uint256 count = 0;
        for (uint256 i = 0; i < committee.length; i++) {
            if (bits & (1 << i) != 0 && !_nodes[committee[i]].slashed) paid[count++] = committee[i];
        }
        assembly ("memory-safe") {
            mstore(paid, count)
        }
        uint256 fee = task.fee;
        totalEscrowed -= fee;
        uint256 share = count == 0 ? 0 : fee / count;
        for (uint256 i = 0; i < count; i++) {
            _credit(paid[i], share);
        }
        _credit(treasury, fee - share * count);
        emit TaskSettled(taskId, paid, share, fee - share * count);
    }

    function receiptContentHash(bytes32 outputHash, bytes calldata publicOutputs) public pure returns (bytes32) {
        return keccak256(abi.encode(outputHash, keccak256(publicOutputs)));
    }

    /// After the deadline without a receipt, anyone may return the escrowed fee to the task's creator.
    function refundTask(bytes32 taskId) external {
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Open && task.status != TaskStatus.Pending) _revertStatus(taskId, task.status);
        if (block.timestamp <= task.deadline) revert DeadlineNotReached(task.deadline);
        task.status = TaskStatus.Refunded;
        CallbackState storage cb = callbacks[taskId];
        uint256 amount = task.fee + uint256(cb.gasLimit) * cb.maxFeePerGas;
        totalEscrowed -= amount;
        _credit(task.creator, amount);
        emit TaskRefunded(taskId, task.creator, amount);
    }

    function withdrawCredits() external nonReentrant {
        uint256 amount = credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        credits[msg.sender] = 0;
        totalCredits -= amount;
        emit CreditsWithdrawn(msg.sender, amount);
        _send(msg.sender, amount);
    }

    function _credit(address to, uint256 amount) private {
        credits[to] += amount;
        totalCredits += amount;
    }

    // ---------------------------------------------------------------- suspension and slashing

    /// A vote of committee members other than the accused. It only suspends (no stake moves), and its
    /// threshold — a majority of the committee and at least MIN_SUSPEND_VOTES — does not depend on
    /// the creator's t. Accepted from the draw until the accusation window after the deadline.
    function accuse(bytes32 taskId, address accused, bytes32 reason, bytes[] calldata signatures) external {
        Task storage task = _drawnTask(taskId);
        _memberIndex(task.committee, accused);
        Node storage node = _nodes[accused];
        if (node.slashed) revert NodeIsSlashed(accused);
        if (node.suspendedUntil > block.timestamp) revert NodeIsSuspended(accused, node.suspendedUntil);
        if (_accused[taskId].get(uint160(accused))) revert AlreadyAccused(taskId, accused);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(ACCUSATION_TYPEHASH, taskId, accused, reason)));
        (address[] memory signers,) = _recoverMembers(task.committee, digest, signatures, accused);
        uint256 required = suspendVotes(task.n);
        if (signers.length < required) revert InsufficientSignatures(signers.length, required);
        uint64 until = (block.timestamp + suspensionPeriod).toUint64();
        _accused[taskId].set(uint160(accused));
        node.suspendedUntil = until;
        if (node.active) _deactivate(accused, node);
        emit NodeSuspended(accused, taskId, reason, until);
    }

    /// Votes needed to suspend a member of an n-committee: a majority of n, and at least MIN_SUSPEND_VOTES.
    function suspendVotes(uint256 n) public pure returns (uint256) {
        uint256 majority = n / 2 + 1;
        return majority > MIN_SUSPEND_VOTES ? majority : MIN_SUSPEND_VOTES;
    }

    /// Self-verifying evidence: two Statements signed by the same committee member for the same task
    /// and label with different content (e.g. two different results). Takes the whole stake: a capped
    /// reward to the submitter (never the accused itself), the rest to the treasury.
    function proveEquivocation(
        bytes32 taskId,
        bytes32 label,
        bytes32 contentA,
        bytes calldata signatureA,
        bytes32 contentB,
        bytes calldata signatureB
    ) external {
        Task storage task = _drawnTask(taskId);
        if (contentA == contentB) revert NotConflicting();
        address a = _recover(_hashTypedDataV4(keccak256(abi.encode(STATEMENT_TYPEHASH, taskId, label, contentA))), signatureA, 0);
        address b = _recover(_hashTypedDataV4(keccak256(abi.encode(STATEMENT_TYPEHASH, taskId, label, contentB))), signatureB, 1);
        if (a != b) revert NotConflicting();
        _memberIndex(task.committee, a);
        if (msg.sender == a) revert SelfReport(a);
        Node storage node = _nodes[a];
        if (node.slashed) revert NodeIsSlashed(a);
        _slash(a, node, taskId, EQUIVOCATION_REASON);
    }

    /// Re-run instead of refund (issue #12, docs/faults.md): anyone (a keeper) returns an Open task to a
    /// fresh draw once a member of its committee is suspended or slashed; that member has left the
    /// active set, so the new draw cannot pick it. At most MAX_RERUNS times, before the deadline. Pay
    /// still goes only to the attesters of the receipt: the committee that delivered.
    function rerunTask(bytes32 taskId, address culprit) external {
        Task storage task = _knownTask(taskId);
        if (task.status != TaskStatus.Open) _revertStatus(taskId, task.status);
        if (block.timestamp > task.deadline) revert DeadlinePassed(task.deadline);
        _memberIndex(task.committee, culprit);
        Node storage node = _nodes[culprit];
        if (!node.slashed && node.suspendedUntil <= block.timestamp) revert NotSuspended(culprit);
        if (task.reruns >= MAX_RERUNS) revert TooManyReruns(taskId);
        uint64 drawBlock = (block.number + DRAW_DELAY).toUint64();
        task.reruns += 1;
        task.status = TaskStatus.Pending;
        task.drawBlock = drawBlock;
        delete task.committee;
        emit TaskRerun(taskId, culprit, task.reruns, drawBlock);
    }

    /// A task whose committee is drawn, inside its accusation window.
    function _drawnTask(bytes32 taskId) private view returns (Task storage task) {
        task = _knownTask(taskId);
        if (task.status == TaskStatus.Pending) revert TaskNotOpen(taskId, task.status);
        uint256 closesAt = uint256(task.deadline) + accusationWindow;
        if (block.timestamp > closesAt) revert WindowClosed(closesAt);
    }

    function _slash(address accused, Node storage node, bytes32 taskId, bytes32 reason) private {
        uint256 amount = node.stake;
        if (node.active) _deactivate(accused, node);
        node.slashed = true;
        node.stake = 0;
        totalStaked -= amount;
        uint256 reward = amount * reporterRewardBps / 10_000;
        if (reward > reporterRewardCap) reward = reporterRewardCap;
        _credit(msg.sender, reward);
        _credit(treasury, amount - reward);
        emit NodeSlashed(accused, taskId, reason, amount, msg.sender, reward);
    }

    // ---------------------------------------------------------------- signatures

    /// The EIP-712 domain separator (name "Enigma", version "1", chainId, this contract); see also
    /// `eip712Domain()` (EIP-5267).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// OZ ECDSA: refuses malformed, high-s (EIP-2) and zero-address signatures.
    function _recover(bytes32 digest, bytes calldata signature, uint256 index) private pure returns (address signer) {
        ECDSA.RecoverError err;
        (signer, err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(index);
    }

    /// Recovers every signature, requires each signer to be a distinct, unslashed committee member
    /// other than `excluded`; returns the signers in signature order and their member bitmap.
    function _recoverMembers(
        address[] storage committee,
        bytes32 digest,
        bytes[] calldata signatures,
        address excluded
    ) private view returns (address[] memory signers, uint256 seen) {
        signers = new address[](signatures.length);
        for (uint256 i = 0; i < signatures.length; i++) {
            address signer = _recover(digest, signatures[i], i);
            if (signer == excluded) revert AccusedCannotSign(signer);
            uint256 bit = 1 << _memberIndex(committee, signer);
            if (seen & bit != 0) revert DuplicateSigner(signer);
            if (_nodes[signer].slashed) revert NodeIsSlashed(signer);
            seen |= bit;
            signers[i] = signer;
        }
    }

    function _memberIndex(address[] storage committee, address account) private view returns (uint256) {
        uint256 len = committee.length;
        for (uint256 i = 0; i < len; i++) {
            if (committee[i] == account) return i;
        }
        revert NotCommitteeMember(account);
    }

    function _send(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }
}
