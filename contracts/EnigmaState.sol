// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EnigmaController} from "./EnigmaController.sol";

/// @title Enigma state: versions of a secret contract's persistent state
/// @notice The on-chain half of persistent secret contract state (issue #11 §2; the whitepaper's
/// MPC.set / MPC.get). The state itself never comes here: it stays Shamir-shared with the committee of
/// the task that wrote it (the *holders* of its version) and moves to the next task's committee by
/// re-sharing (src/node/reshare-session.ts). This contract orders the tasks on one state:
///
/// - A state instance is created once: its id is `keccak(chainId, this, creator, salt)` (known before
///   the transaction, and nobody can squat another creator's id). The creator fixes, immutably, the
///   *programs* allowed to compute on it — code hashes of compiled secret contracts, each open to anyone
///   or to one caller — and the type hash of the state's declaration. Why a set of code hashes and not
///   one (code hash, params hash): a code hash already covers the params (they are part of the circuit's
///   encoding), and one state is often served by several circuits of one contract (running-ballot's
///   `close = 0` and `close = 1` tasks are two circuits on one tally). Why fixed at creation: whoever
///   could add a program later could add one that reveals the whole state; users of a state read the
///   set before they trust it with anything.
/// - A task *binds* the state while the task is open (pending or drawn, before its deadline), by the
///   task's creator, at the current version v: the task must run an allowed program and name this
///   contract's `onTaskResult` as its result callback with at least `COMMIT_GAS`. One task at a time:
///   while a bound task can still deliver a receipt, a second bind is refused with `StateBusy` (the SDK
///   checks `checkBind` before it creates a task, so a refused bind costs no fee in the common case).
///   Refusing rather than re-running on the new version keeps the commit trivially safe (no task ever
///   computes on a version that is not current when it binds) and needs no node to re-run anything.
/// - The controller's result callback, called inside `submitReceipt` with exactly the reserved gas after
///   t+1 members' signatures were checked, moves the state to v + 1 in the same transaction as the
///   receipt, only if v is still current and the task still holds the binding; the holders of v + 1 are
///   that task's committee, read from the controller (the event lists them; the task id is stored, and
///   the controller never changes a completed task's committee).
/// - A task that can no longer deliver (refunded, past its deadline without a receipt, or its callback
///   failed for good) has its binding released by anyone, without moving the version: nothing is lost,
///   the holders of v still hold it (nodes keep version v's shares until v + 1 is recorded here).
/// @dev A separate contract: the controller is at the EIP-170 size limit. It only reads the controller.
contract EnigmaState {
    /// Gas a bound task's callback must reserve: the commit reads the task and its committee from the
    /// controller and writes three slots (measured: docs/state.md "Gas"; the controller gives the callee
    /// exactly its reserved gas, so a receipt submitter cannot starve the commit).
    uint32 public constant COMMIT_GAS = 200_000;
    /// Programs one state may allow (bounded so creation gas is bounded).
    uint256 public constant MAX_PROGRAMS = 16;

    struct State {
        address creator;
        /// Current version: 0 before the first commit (all-zero state, held by nobody).
        uint64 version;
        /// keccak256 of the state's declared type and field (src/node/state-type.ts); nodes check it.
        bytes32 typeHash;
        /// Task whose receipt wrote `version` (0 for version 0): its committee holds the shares.
        bytes32 versionTask;
        /// Task bound to `version`, in flight (0 = none).
        bytes32 boundTask;
    }

    struct Program {
        bool allowed;
        /// Only this caller may bind tasks of this program (0 = anyone).
        address caller;
    }

    struct Binding {
        bytes32 stateId;
        /// Version the task computes on.
        uint64 version;
    }

    /// What nodes and the SDK read: the state and the holders of its current version.
    struct StateView {
        address creator;
        uint64 version;
        bytes32 typeHash;
        bytes32 versionTask;
        bytes32 boundTask;
        /// Threshold and committee of `versionTask` (empty for version 0).
        uint8 holdersT;
        address[] holders;
    }

    event StateCreated(bytes32 indexed stateId, address indexed creator, bytes32 typeHash, bytes32[] codeHashes, address[] callers);
    event StateBound(bytes32 indexed stateId, bytes32 indexed taskId, uint64 version);
    /// The commit, in the receipt's transaction: `holders` (the task's committee, in its sharing order) hold `version`.
    event StateCommitted(bytes32 indexed stateId, bytes32 indexed taskId, uint64 version, address[] holders);
    event StateReleased(bytes32 indexed stateId, bytes32 indexed taskId, uint64 version);

    error StateExists(bytes32 stateId);
    error UnknownState(bytes32 stateId);
    error InvalidPrograms(uint256 count);
    error ZeroHash();
    error ProgramNotAllowed(bytes32 stateId, bytes32 codeHash, address caller);
    error StateBusy(bytes32 stateId, bytes32 boundTask, uint64 version);
    error UnknownTask(bytes32 taskId);
    error TaskNotOpen(bytes32 taskId);
    error NotTaskCreator(bytes32 taskId, address caller);
    error CallbackNotSet(bytes32 taskId, uint32 minGas);
    error TaskAlreadyBound(bytes32 taskId, bytes32 stateId);
    error NotBound(bytes32 taskId);
    error TaskStillLive(bytes32 taskId);
    error OnlyController(address caller);
    error StaleVersion(bytes32 stateId, uint64 bound, uint64 current);

    EnigmaController public immutable controller;
    /// Block of deployment: where event scans start.
    uint64 public immutable deploymentBlock;

    mapping(bytes32 stateId => State) private _states;
    mapping(bytes32 stateId => mapping(bytes32 codeHash => Program)) private _programs;
    mapping(bytes32 taskId => Binding) private _bindings;
    /// Which task wrote each version (the history: its committee held that version).
    mapping(bytes32 stateId => mapping(uint64 version => bytes32 taskId)) public versionTask;

    constructor(EnigmaController controller_) {
        controller = controller_;
        deploymentBlock = uint64(block.number);
    }

    function stateIdOf(address creator, bytes32 salt) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), creator, salt));
    }

    /// A new state instance at version 0 (zeros). `callers[i]` restricts `codeHashes[i]` to one
    /// account (0 = anyone may bind tasks of that program).
    function createState(bytes32 salt, bytes32 typeHash, bytes32[] calldata codeHashes, address[] calldata callers)
        external
        returns (bytes32 stateId)
    {
        stateId = stateIdOf(msg.sender, salt);
        if (_states[stateId].creator != address(0)) revert StateExists(stateId);
        if (typeHash == bytes32(0)) revert ZeroHash();
        if (codeHashes.length == 0 || codeHashes.length > MAX_PROGRAMS || callers.length != codeHashes.length) {
            revert InvalidPrograms(codeHashes.length);
        }
        _states[stateId].creator = msg.sender;
        _states[stateId].typeHash = typeHash;
        for (uint256 i = 0; i < codeHashes.length; i++) {
            if (codeHashes[i] == bytes32(0)) revert ZeroHash();
            _programs[stateId][codeHashes[i]] = Program(true, callers[i]);
        }
        emit StateCreated(stateId, msg.sender, typeHash, codeHashes, callers);
    }

    /// Would `caller` be allowed to bind a task of `codeHash` to the state now? Reverts with the refusal
    /// bindTask would give (UnknownState, ProgramNotAllowed, StateBusy); returns the version it would
    /// compute on. The SDK asks before it creates a task.
    function checkBind(bytes32 stateId, bytes32 codeHash, address caller) public view returns (uint64) {
        State storage st = _known(stateId);
        Program storage p = _programs[stateId][codeHash];
        if (!p.allowed || (p.caller != address(0) && p.caller != caller)) revert ProgramNotAllowed(stateId, codeHash, caller);
        if (st.boundTask != bytes32(0) && _live(st.boundTask)) revert StateBusy(stateId, st.boundTask, st.version);
        return st.version;
    }

    /// The task's creator binds its open task to the state at the current version.
    function bindTask(bytes32 stateId, bytes32 taskId) external returns (uint64 version) {
        EnigmaController.Task memory task = controller.getTask(taskId);
        if (task.status == EnigmaController.TaskStatus.None) revert UnknownTask(taskId);
        if ((task.status != EnigmaController.TaskStatus.Pending && task.status != EnigmaController.TaskStatus.Open)
            || block.timestamp > task.deadline) revert TaskNotOpen(taskId);
        if (task.creator != msg.sender) revert NotTaskCreator(taskId, msg.sender);
        Binding storage b = _bindings[taskId];
        if (b.stateId != bytes32(0)) revert TaskAlreadyBound(taskId, b.stateId);
        (address target, bytes4 selector, uint32 gasLimit,,) = controller.callbacks(taskId);
        if (target != address(this) || selector != this.onTaskResult.selector || gasLimit < COMMIT_GAS) {
            revert CallbackNotSet(taskId, COMMIT_GAS);
        }
        State storage st = _states[stateId];
        bytes32 previous = st.boundTask;
        version = checkBind(stateId, task.codeHash, msg.sender);
        if (previous != bytes32(0)) emit StateReleased(stateId, previous, version);
        st.boundTask = taskId;
        b.stateId = stateId;
        b.version = version;
        emit StateBound(stateId, taskId, version);
    }

    /// The controller's result callback (inside submitReceipt or retryCallback, after t+1 signatures):
    /// commits version v + 1 if the task still holds the binding and v is still current.
    function onTaskResult(bytes32 taskId, bytes calldata) external {
        if (msg.sender != address(controller)) revert OnlyController(msg.sender);
        Binding storage b = _bindings[taskId];
        bytes32 stateId = b.stateId;
        if (stateId == bytes32(0)) revert NotBound(taskId);
        State storage st = _states[stateId];
        if (st.boundTask != taskId) revert NotBound(taskId);
        // Exclusive binding makes this hold by construction; checked anyway (no lost update, ever).
        if (st.version != b.version) revert StaleVersion(stateId, b.version, st.version);
        uint64 next = b.version + 1;
        st.version = next;
        st.versionTask = taskId;
        st.boundTask = bytes32(0);
        versionTask[stateId][next] = taskId;
        emit StateCommitted(stateId, taskId, next, controller.getTask(taskId).committee);
    }

    /// Anyone releases the binding of a task that can no longer deliver; the version does not move.
    function release(bytes32 taskId) external {
        Binding storage b = _bindings[taskId];
        bytes32 stateId = b.stateId;
        if (stateId == bytes32(0) || _states[stateId].boundTask != taskId) revert NotBound(taskId);
        if (_live(taskId)) revert TaskStillLive(taskId);
        _states[stateId].boundTask = bytes32(0);
        emit StateReleased(stateId, taskId, b.version);
    }

    /// Can the task still commit? Open (pending or drawn) before its deadline, or completed with a
    /// failed callback whose one retry may still come (the controller's attestation window).
    function isLive(bytes32 taskId) external view returns (bool) {
        return _live(taskId);
    }

    function _live(bytes32 taskId) private view returns (bool) {
        EnigmaController.Task memory task = controller.getTask(taskId);
        if (task.status == EnigmaController.TaskStatus.Pending || task.status == EnigmaController.TaskStatus.Open) {
            return block.timestamp <= task.deadline;
        }
        if (task.status != EnigmaController.TaskStatus.Completed) return false;
        (,,,, EnigmaController.CallbackStatus cb) = controller.callbacks(taskId);
        return cb == EnigmaController.CallbackStatus.Failed
            && block.timestamp <= uint256(task.completedAt) + controller.attestationWindow();
    }

    function _known(bytes32 stateId) private view returns (State storage st) {
        st = _states[stateId];
        if (st.creator == address(0)) revert UnknownState(stateId);
    }

    function getState(bytes32 stateId) external view returns (StateView memory v) {
        State storage st = _known(stateId);
        v.creator = st.creator;
        v.version = st.version;
        v.typeHash = st.typeHash;
        v.versionTask = st.versionTask;
        v.boundTask = st.boundTask;
        if (st.versionTask != bytes32(0)) {
            EnigmaController.Task memory task = controller.getTask(st.versionTask);
            v.holdersT = task.t;
            v.holders = task.committee;
        }
    }

    /// The state and version a task is bound to (stateId 0 = not bound).
    function bindingOf(bytes32 taskId) external view returns (bytes32 stateId, uint64 version) {
        Binding storage b = _bindings[taskId];
        return (b.stateId, b.version);
    }

    function programOf(bytes32 stateId, bytes32 codeHash) external view returns (bool allowed, address caller) {
        Program storage p = _programs[stateId][codeHash];
        return (p.allowed, p.caller);
    }
}
