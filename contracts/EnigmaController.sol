// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Signatures} from "./Signatures.sol";

/// @title Enigma controller
/// @notice The blockchain as the controller of the secret-node network (whitepaper §3, §6–7): node
/// identities and stakes, the registry of secret contracts, the record of every task and its fee,
/// committee selection ("network reduction"), receipts signed by an honest majority, and slashing.
/// Design notes, seed-bias limits and gas numbers: docs/controller.md.
contract EnigmaController {
    // ---------------------------------------------------------------- constants

    /// A committee is at most 32 nodes so that signer sets fit a uint256 bitmap and selection stays cheap.
    uint256 public constant MAX_COMMITTEE = 32;
    /// Devnet floor (DESIGN.md §2): n ≥ 3, t ≥ 1, and always t < n/2 (honest majority).
    uint256 public constant MIN_COMMITTEE = 3;
    uint256 public constant MAX_INPUT_SLOTS = 256;
    uint8 public constant SECURITY_SEMI_HONEST = 0;
    uint8 public constant SECURITY_MALICIOUS = 1;
    /// Label of the Statement a committee member signs to attest a task's result (docs/controller.md).
    bytes32 public constant RECEIPT_LABEL = keccak256("enigma.receipt.v1");

    // ---------------------------------------------------------------- types

    struct Config {
        uint256 minStake;
        /// Seconds between going inactive and being allowed to withdraw. Must cover the longest task
        /// plus the accusation window, so that a cheater cannot leave with its stake.
        uint64 withdrawDelay;
        /// Longest allowed task (deadline − creation time), in seconds.
        uint64 maxTaskDuration;
        uint256 baseFee;
        uint256 feePerMultiplication;
        uint256 feePerRound;
        /// Share of a slashed stake paid to the accusers, in basis points; the rest goes to the treasury.
        uint16 accuserShareBps;
        address treasury;
    }

    struct Node {
        string peerId;
        bytes32 encryptionKey;
        string[] multiaddrs;
        uint256 stake;
        uint64 inactiveSince;
        bool registered;
        bool active;
        bool slashed;
    }

    struct SecretContract {
        address owner;
        uint64 multiplications;
        uint32 rounds;
        string uri;
    }

    enum TaskStatus {
        None,
        Open,
        Completed,
        Refunded
    }

    struct InputSlot {
        string name;
        address owner;
    }

    struct SlotState {
        address owner;
        bytes32 commitment;
    }

    struct TaskRequest {
        bytes32 codeHash;
        /// ABI-encoded public parameters (see src/chain/params.ts); the task stores keccak256 of it.
        bytes params;
        uint8 n;
        uint8 t;
        uint8 securityMode;
        InputSlot[] inputSlots;
        uint64 deadline;
    }

    struct Task {
        bytes32 codeHash;
        bytes32 paramsHash;
        bytes32 seed;
        address creator;
        uint96 fee;
        uint64 deadline;
        uint8 n;
        uint8 t;
        uint8 securityMode;
        TaskStatus status;
        address[] committee;
        SlotState[] slots;
    }

    // ---------------------------------------------------------------- events

    event PricingUpdated(uint256 baseFee, uint256 feePerMultiplication, uint256 feePerRound);
    event NodeRegistered(address indexed node, string peerId, bytes32 encryptionKey, string[] multiaddrs);
    event NodeUpdated(address indexed node, bytes32 encryptionKey, string[] multiaddrs);
    event Staked(address indexed node, uint256 amount, uint256 totalStake);
    event NodeActivated(address indexed node, uint256 stake);
    event NodeDeactivated(address indexed node, uint64 withdrawableAt);
    event StakeWithdrawn(address indexed node, uint256 amount, uint256 remaining);
    event SecretContractRegistered(
        bytes32 indexed codeHash, address indexed owner, uint64 multiplications, uint32 rounds, string uri
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
        bytes32 seed,
        address[] committee,
        InputSlot[] inputSlots
    );
    event InputCommitted(bytes32 indexed taskId, uint256 indexed slot, address indexed owner, bytes32 commitment);
    event TaskCompleted(bytes32 indexed taskId, bytes32 outputHash, bytes publicOutputs, address[] signers);
    event TaskRefunded(bytes32 indexed taskId, address indexed creator, uint256 amount);
    event NodeSlashed(
        address indexed node,
        bytes32 indexed taskId,
        bytes32 reason,
        uint256 amount,
        uint256 toAccusers,
        uint256 toTreasury
    );
    event CreditsWithdrawn(address indexed account, uint256 amount);

    // ---------------------------------------------------------------- errors

    error Unauthorized(address caller);
    error InvalidConfig(string what);
    error AlreadyRegistered(address node);
    error NotRegistered(address node);
    error NodeIsSlashed(address node);
    error InvalidNodeInfo(string what);
    error ZeroAmount();
    error InsufficientStake(uint256 stake, uint256 required);
    error AlreadyActive(address node);
    error NotActive(address node);
    error StillActive(address node);
    error WithdrawTooEarly(uint64 withdrawableAt);
    error AmountExceedsStake(uint256 amount, uint256 stake);
    error ContractAlreadyRegistered(bytes32 codeHash);
    error UnknownContract(bytes32 codeHash);
    error InvalidCommittee(uint256 n, uint256 t);
    error NotEnoughActiveNodes(uint256 requested, uint256 active);
    error InvalidSecurityMode(uint8 mode);
    error InvalidDeadline(uint64 deadline);
    error TooManyInputSlots(uint256 count);
    error InsufficientFee(uint256 paid, uint256 price);
    error UnknownTask(bytes32 taskId);
    error TaskNotOpen(bytes32 taskId, TaskStatus status);
    error InvalidSlot(uint256 slot);
    error NotSlotOwner(address caller, address owner);
    error SlotAlreadyFilled(uint256 slot);
    error ZeroCommitment();
    error DeadlinePassed(uint64 deadline);
    error DeadlineNotReached(uint64 deadline);
    error NotCommitteeMember(address account);
    error InvalidSignature(uint256 index);
    error DuplicateSigner(address signer);
    error InsufficientSignatures(uint256 count, uint256 required);
    error AccusedCannotSign(address accused);
    error NotConflicting();
    error NothingToWithdraw();
    error TransferFailed(address to, uint256 amount);

    // ---------------------------------------------------------------- storage

    address public immutable owner;
    address public immutable treasury;
    uint256 public immutable minStake;
    uint64 public immutable withdrawDelay;
    uint64 public immutable maxTaskDuration;
    uint16 public immutable accuserShareBps;

    uint256 public baseFee;
    uint256 public feePerMultiplication;
    uint256 public feePerRound;

    mapping(address => Node) private _nodes;
    address[] private _active;
    /// 1-based position in `_active` (0 = not in the set), for O(1) removal.
    mapping(address => uint256) private _activePos;
    uint256 public totalActiveStake;

    mapping(bytes32 => SecretContract) private _contracts;

    uint256 public taskCount;
    mapping(bytes32 => Task) private _tasks;

    /// Pull payments (fees, refunds, slash shares): a failing recipient can never block a receipt.
    mapping(address => uint256) public credits;

    constructor(Config memory config) {
        if (config.minStake == 0) revert InvalidConfig("minStake must be > 0");
        if (config.treasury == address(0)) revert InvalidConfig("treasury is zero");
        if (config.accuserShareBps > 10_000) revert InvalidConfig("accuserShareBps > 10000");
        if (config.maxTaskDuration == 0) revert InvalidConfig("maxTaskDuration must be > 0");
        // A node must not be able to leave before a task it served can be judged.
        if (config.withdrawDelay < config.maxTaskDuration) revert InvalidConfig("withdrawDelay < maxTaskDuration");
        owner = msg.sender;
        treasury = config.treasury;
        minStake = config.minStake;
        withdrawDelay = config.withdrawDelay;
        maxTaskDuration = config.maxTaskDuration;
        accuserShareBps = config.accuserShareBps;
        _setPricing(config.baseFee, config.feePerMultiplication, config.feePerRound);
    }

    // ---------------------------------------------------------------- owner

    function setPricing(uint256 base, uint256 perMultiplication, uint256 perRound) external {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        _setPricing(base, perMultiplication, perRound);
    }

    function _setPricing(uint256 base, uint256 perMultiplication, uint256 perRound) private {
        baseFee = base;
        feePerMultiplication = perMultiplication;
        feePerRound = perRound;
        emit PricingUpdated(base, perMultiplication, perRound);
    }

    // ---------------------------------------------------------------- node registry

    function registerNode(string calldata peerId, bytes32 encryptionKey, string[] calldata multiaddrs)
        external
        payable
    {
        Node storage node = _nodes[msg.sender];
        if (node.registered) revert AlreadyRegistered(msg.sender);
        if (bytes(peerId).length == 0) revert InvalidNodeInfo("empty peerId");
        if (encryptionKey == bytes32(0)) revert InvalidNodeInfo("zero encryptionKey");
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
        if (encryptionKey == bytes32(0)) revert InvalidNodeInfo("zero encryptionKey");
        node.encryptionKey = encryptionKey;
        node.multiaddrs = multiaddrs;
        emit NodeUpdated(msg.sender, encryptionKey, multiaddrs);
    }

    function stake() external payable {
        if (msg.value == 0) revert ZeroAmount();
        _addStake(_liveNode(msg.sender), msg.value);
    }

    function _addStake(Node storage node, uint256 amount) private {
        node.stake += amount;
        if (node.active) totalActiveStake += amount;
        emit Staked(msg.sender, amount, node.stake);
    }

    function setActive(bool active) external {
        Node storage node = _liveNode(msg.sender);
        if (active) {
            if (node.active) revert AlreadyActive(msg.sender);
            if (node.stake < minStake) revert InsufficientStake(node.stake, minStake);
            node.active = true;
            node.inactiveSince = 0;
            _active.push(msg.sender);
            _activePos[msg.sender] = _active.length;
            totalActiveStake += node.stake;
            emit NodeActivated(msg.sender, node.stake);
        } else {
            if (!node.active) revert NotActive(msg.sender);
            _deactivate(msg.sender, node);
            emit NodeDeactivated(msg.sender, node.inactiveSince + withdrawDelay);
        }
    }

    function withdrawStake(uint256 amount) external {
        Node storage node = _liveNode(msg.sender);
        if (node.active) revert StillActive(msg.sender);
        if (amount == 0) revert ZeroAmount();
        if (amount > node.stake) revert AmountExceedsStake(amount, node.stake);
        // inactiveSince is 0 only for a node that never activated: it served no task, nothing to wait for.
        uint64 availableAt = node.inactiveSince == 0 ? 0 : node.inactiveSince + withdrawDelay;
        if (block.timestamp < availableAt) revert WithdrawTooEarly(availableAt);
        node.stake -= amount;
        emit StakeWithdrawn(msg.sender, amount, node.stake);
        _send(msg.sender, amount);
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
        uint256 pos = _activePos[account];
        uint256 last = _active.length;
        if (pos != last) {
            address moved = _active[last - 1];
            _active[pos - 1] = moved;
            _activePos[moved] = pos;
        }
        _active.pop();
        delete _activePos[account];
    }

    function getNode(address account) external view returns (Node memory) {
        return _nodes[account];
    }

    function activeNodes() external view returns (address[] memory) {
        return _active;
    }

    // ---------------------------------------------------------------- secret contracts

    /// Registers a compiled secret contract. Entries are immutable: the code hash is the identity of
    /// the circuit, and a task's price and meaning must not change after users paid for it.
    function registerSecretContract(bytes32 codeHash, uint64 multiplications, uint32 rounds, string calldata uri)
        external
    {
        if (_contracts[codeHash].owner != address(0)) revert ContractAlreadyRegistered(codeHash);
        _contracts[codeHash] = SecretContract(msg.sender, multiplications, rounds, uri);
        emit SecretContractRegistered(codeHash, msg.sender, multiplications, rounds, uri);
    }

    function getSecretContract(bytes32 codeHash) external view returns (SecretContract memory) {
        return _contracts[codeHash];
    }

    /// Price of one task of a registered contract: base + per multiplication + per round.
    function quote(bytes32 codeHash) public view returns (uint256) {
        SecretContract storage c = _contracts[codeHash];
        if (c.owner == address(0)) revert UnknownContract(codeHash);
        return baseFee + feePerMultiplication * c.multiplications + feePerRound * c.rounds;
    }

    // ---------------------------------------------------------------- tasks

    function createTask(TaskRequest calldata req) external payable returns (bytes32 taskId) {
        uint256 price = quote(req.codeHash);
        if (msg.value < price) revert InsufficientFee(msg.value, price);
        if (req.n < MIN_COMMITTEE || req.n > MAX_COMMITTEE || req.t < 1 || 2 * uint256(req.t) >= req.n) {
            revert InvalidCommittee(req.n, req.t);
        }
        if (req.n > _active.length) revert NotEnoughActiveNodes(req.n, _active.length);
        if (req.securityMode > SECURITY_MALICIOUS) revert InvalidSecurityMode(req.securityMode);
        if (req.deadline <= block.timestamp || req.deadline > block.timestamp + maxTaskDuration) {
            revert InvalidDeadline(req.deadline);
        }
        if (req.inputSlots.length > MAX_INPUT_SLOTS) revert TooManyInputSlots(req.inputSlots.length);

        taskId = keccak256(abi.encode(block.chainid, address(this), ++taskCount));
        bytes32 seed = committeeSeed(block.prevrandao, taskId);
        address[] memory committee = selectCommittee(seed, req.n);

        Task storage task = _tasks[taskId];
        task.codeHash = req.codeHash;
        task.paramsHash = keccak256(req.params);
        task.seed = seed;
        task.creator = msg.sender;
        task.fee = uint96(msg.value); // more than the world's ether supply would not fit; not a concern
        task.deadline = req.deadline;
        task.n = req.n;
        task.t = req.t;
        task.securityMode = req.securityMode;
        task.status = TaskStatus.Open;
        task.committee = committee;
        for (uint256 i = 0; i < req.inputSlots.length; i++) {
            task.slots.push(SlotState(req.inputSlots[i].owner, bytes32(0)));
        }
        _emitCreated(taskId, task, req);
    }

    function _emitCreated(bytes32 taskId, Task storage task, TaskRequest calldata req) private {
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
            task.seed,
            task.committee,
            req.inputSlots
        );
    }

    /// The committee seed: prevrandao of the creation block mixed with the task id. Bias limits
    /// (a proposer may withhold a block; a creator may time its transaction) are in docs/controller.md.
    function committeeSeed(uint256 prevrandao, bytes32 taskId) public pure returns (bytes32) {
        return keccak256(abi.encode(prevrandao, taskId));
    }

    /// Stake-weighted sampling without replacement from the current active set (successive sampling:
    /// draw k picks member j with probability stake_j / remaining stake). Anyone can re-run it with
    /// `eth_call` at the task's creation block to check a committee. O(n · active) gas.
    function selectCommittee(bytes32 seed, uint256 n) public view returns (address[] memory committee) {
        uint256 count = _active.length;
        if (n > count) revert NotEnoughActiveNodes(n, count);
        uint256[] memory weights = new uint256[](count);
        uint256 total = 0;
        for (uint256 i = 0; i < count; i++) {
            weights[i] = _nodes[_active[i]].stake;
            total += weights[i];
        }
        committee = new address[](n);
        for (uint256 k = 0; k < n; k++) {
            // 256-bit draw modulo a total far below 2^128: the modulo bias is below 2^-128.
            uint256 r = uint256(keccak256(abi.encode(seed, k))) % total;
            uint256 j = 0;
            while (r >= weights[j]) {
                r -= weights[j];
                j++;
            }
            committee[k] = _active[j];
            total -= weights[j];
            weights[j] = 0;
        }
    }

    function fillInputSlot(bytes32 taskId, uint256 slot, bytes32 commitment) external {
        Task storage task = _openTask(taskId);
        if (block.timestamp > task.deadline) revert DeadlinePassed(task.deadline);
        if (slot >= task.slots.length) revert InvalidSlot(slot);
        SlotState storage s = task.slots[slot];
        if (msg.sender != s.owner) revert NotSlotOwner(msg.sender, s.owner);
        if (s.commitment != bytes32(0)) revert SlotAlreadyFilled(slot);
        if (commitment == bytes32(0)) revert ZeroCommitment();
        s.commitment = commitment;
        emit InputCommitted(taskId, slot, msg.sender, commitment);
    }

    function getTask(bytes32 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    function _openTask(bytes32 taskId) private view returns (Task storage task) {
        task = _tasks[taskId];
        if (task.status == TaskStatus.None) revert UnknownTask(taskId);
        if (task.status != TaskStatus.Open) revert TaskNotOpen(taskId, task.status);
    }

    // ---------------------------------------------------------------- receipts and refunds

    /// Accepts a result signed by at least t+1 committee members (an honest majority includes at
    /// least one honest node, so a corrupt minority cannot forge a receipt). Each signature is an
    /// EIP-712 Statement(taskId, RECEIPT_LABEL, keccak256(abi.encode(outputHash, keccak256(publicOutputs)))).
    /// The fee is split equally among the signers; the indivisible remainder goes to the submitter.
    function submitReceipt(bytes32 taskId, bytes32 outputHash, bytes calldata publicOutputs, bytes[] calldata signatures)
        external
    {
        Task storage task = _openTask(taskId);
        if (block.timestamp > task.deadline) revert DeadlinePassed(task.deadline);
        address[] storage committee = task.committee;
        _memberIndex(committee, msg.sender);
        bytes32 digest = _hashTyped(
            Signatures.statementStructHash(taskId, RECEIPT_LABEL, receiptContentHash(outputHash, publicOutputs))
        );
        address[] memory signers = _recoverMembers(committee, digest, signatures, address(0));
        if (signers.length < uint256(task.t) + 1) revert InsufficientSignatures(signers.length, uint256(task.t) + 1);

        task.status = TaskStatus.Completed;
        uint256 fee = task.fee;
        uint256 share = fee / signers.length;
        for (uint256 i = 0; i < signers.length; i++) {
            credits[signers[i]] += share;
        }
        credits[msg.sender] += fee - share * signers.length;
        emit TaskCompleted(taskId, outputHash, publicOutputs, signers);
    }

    function receiptContentHash(bytes32 outputHash, bytes calldata publicOutputs) public pure returns (bytes32) {
        return keccak256(abi.encode(outputHash, keccak256(publicOutputs)));
    }

    /// After the deadline without a receipt, anyone may return the fee to the task's creator.
    function refundTask(bytes32 taskId) external {
        Task storage task = _openTask(taskId);
        if (block.timestamp <= task.deadline) revert DeadlineNotReached(task.deadline);
        task.status = TaskStatus.Refunded;
        credits[task.creator] += task.fee;
        emit TaskRefunded(taskId, task.creator, task.fee);
    }

    function withdrawCredits() external {
        uint256 amount = credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        credits[msg.sender] = 0;
        emit CreditsWithdrawn(msg.sender, amount);
        _send(msg.sender, amount);
    }

    // ---------------------------------------------------------------- slashing

    /// An accusation voted by at least t+1 committee members other than the accused. An honest
    /// majority (n − t ≥ t+1 honest members) can always produce it; t corrupt members never can.
    /// The accusers share `accuserShareBps` of the stake equally; the rest goes to the treasury.
    function accuse(bytes32 taskId, address accused, bytes32 reason, bytes[] calldata signatures) external {
        Task storage task = _tasks[taskId];
        if (task.status == TaskStatus.None) revert UnknownTask(taskId);
        _memberIndex(task.committee, accused);
        Node storage node = _nodes[accused];
        if (node.slashed) revert NodeIsSlashed(accused);
        bytes32 digest = _hashTyped(Signatures.accusationStructHash(taskId, accused, reason));
        address[] memory signers = _recoverMembers(task.committee, digest, signatures, accused);
        if (signers.length < uint256(task.t) + 1) revert InsufficientSignatures(signers.length, uint256(task.t) + 1);
        _slash(accused, node, taskId, reason, signers);
    }

    /// Self-verifying evidence: two Statements signed by the same committee member for the same task
    /// and label with different content (e.g. two different results). No vote is needed; the
    /// submitter receives the accusers' share.
    function proveEquivocation(
        bytes32 taskId,
        bytes32 label,
        bytes32 contentA,
        bytes calldata signatureA,
        bytes32 contentB,
        bytes calldata signatureB
    ) external {
        Task storage task = _tasks[taskId];
        if (task.status == TaskStatus.None) revert UnknownTask(taskId);
        if (contentA == contentB) revert NotConflicting();
        address a = Signatures.recover(_hashTyped(Signatures.statementStructHash(taskId, label, contentA)), signatureA);
        address b = Signatures.recover(_hashTyped(Signatures.statementStructHash(taskId, label, contentB)), signatureB);
        if (a == address(0)) revert InvalidSignature(0);
        if (b == address(0)) revert InvalidSignature(1);
        if (a != b) revert NotConflicting();
        _memberIndex(task.committee, a);
        Node storage node = _nodes[a];
        if (node.slashed) revert NodeIsSlashed(a);
        address[] memory reporters = new address[](1);
        reporters[0] = msg.sender;
        _slash(a, node, taskId, keccak256("enigma.equivocation"), reporters);
    }

    function _slash(address accused, Node storage node, bytes32 taskId, bytes32 reason, address[] memory accusers)
        private
    {
        uint256 amount = node.stake;
        if (node.active) _deactivate(accused, node);
        node.slashed = true;
        node.stake = 0;
        uint256 each = (amount * accuserShareBps / 10_000) / accusers.length;
        for (uint256 i = 0; i < accusers.length; i++) {
            credits[accusers[i]] += each;
        }
        uint256 toAccusers = each * accusers.length;
        credits[treasury] += amount - toAccusers;
        emit NodeSlashed(accused, taskId, reason, amount, toAccusers, amount - toAccusers);
    }

    // ---------------------------------------------------------------- signatures

    function domainSeparator() public view returns (bytes32) {
        return Signatures.domainSeparator(block.chainid, address(this));
    }

    function _hashTyped(bytes32 structHash) private view returns (bytes32) {
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(), structHash));
    }

    /// Recovers every signature, requires each signer to be a distinct committee member other than
    /// `excluded`, and returns the signers in signature order.
    function _recoverMembers(
        address[] storage committee,
        bytes32 digest,
        bytes[] calldata signatures,
        address excluded
    ) private view returns (address[] memory signers) {
        signers = new address[](signatures.length);
        uint256 seen = 0;
        for (uint256 i = 0; i < signatures.length; i++) {
            address signer = Signatures.recover(digest, signatures[i]);
            if (signer == address(0)) revert InvalidSignature(i);
            if (signer == excluded) revert AccusedCannotSign(signer);
            uint256 bit = 1 << _memberIndex(committee, signer);
            if (seen & bit != 0) revert DuplicateSigner(signer);
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
