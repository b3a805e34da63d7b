// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EnigmaController} from "./EnigmaController.sol";

/// @title Base contract of a dApp that uses a secret contract's result on chain (issue #16)
/// @notice Inherit, create tasks with `_requestTask` (the callback points at this contract), and
/// override `_onResult` (and `_onTaskFailed`). The controller calls `enigmaCallback(taskId,
/// typedOutputs)` once t+1 committee members' receipt is accepted; the modifier `onlyEnigmaResult`
/// admits that call only from the controller, only for a task this contract created and only once
/// (the way Chainlink's VRFConsumerBaseV2 checks `rawFulfillRandomWords`). `typedOutputs` is
/// `abi.encode(v1, v2, …)` of the public outputs in declared order: decode it with `abi.decode` or
/// `EnigmaOutputs` (the mapping table: docs/controller.md "Typed outputs"; a walk-through: docs/dapps.md).
///
/// Import as `enigma-ts/contracts/EnigmaConsumer.sol` (the package ships contracts/).
abstract contract EnigmaConsumer {
    enum Request {
        None,
        /// Created by this contract; no result yet.
        Pending,
        Fulfilled,
        /// Refunded, or its callback failed for good (failed, and its one retry failed or expired).
        Failed
    }

    EnigmaController public immutable enigmaController;
    /// State of every task this contract created.
    mapping(bytes32 taskId => Request) public enigmaRequests;

    event EnigmaRequested(bytes32 indexed taskId);
    event EnigmaFulfilled(bytes32 indexed taskId);
    event EnigmaFailed(bytes32 indexed taskId);

    error OnlyEnigmaController(address caller);
    /// The task was not created by this contract, or its outcome is already delivered.
    error NotPendingRequest(bytes32 taskId);
    /// The task may still deliver a result (no refund, and the callback can still succeed).
    error RequestNotFailed(bytes32 taskId);

    constructor(EnigmaController controller) {
        enigmaController = controller;
    }

    /// Only the controller, for a task created by this contract, not yet fulfilled or failed. An
    /// impostor contract, or a genuine controller call for someone else's task (whoever names this
    /// contract as its callback), reverts.
    modifier onlyEnigmaResult(bytes32 taskId) {
        if (msg.sender != address(enigmaController)) revert OnlyEnigmaController(msg.sender);
        if (enigmaRequests[taskId] != Request.Pending) revert NotPendingRequest(taskId);
        _;
    }

    /// The controller's callback. The request is marked fulfilled before the hook runs; if the hook
    /// reverts, so does the mark, the controller records the failure and anyone may retry once.
    function enigmaCallback(bytes32 taskId, bytes calldata typedOutputs) external onlyEnigmaResult(taskId) {
        enigmaRequests[taskId] = Request.Fulfilled;
        emit EnigmaFulfilled(taskId);
        _onResult(taskId, typedOutputs);
    }

    /// Anyone may declare a request failed once the controller shows it can no longer deliver: the
    /// task was refunded (no receipt by its deadline), or its callback failed and the one retry failed
    /// too or its window (the controller's attestation window after the receipt) has closed.
    function enigmaTaskFailed(bytes32 taskId) external {
        if (enigmaRequests[taskId] != Request.Pending) revert NotPendingRequest(taskId);
        EnigmaController.Task memory task = enigmaController.getTask(taskId);
        (,,,, EnigmaController.CallbackStatus status) = enigmaController.callbacks(taskId);
        bool failed = task.status == EnigmaController.TaskStatus.Refunded
            || status == EnigmaController.CallbackStatus.RetryFailed
            || (status == EnigmaController.CallbackStatus.Failed
                && block.timestamp > uint256(task.completedAt) + enigmaController.attestationWindow());
        if (!failed) revert RequestNotFailed(taskId);
        enigmaRequests[taskId] = Request.Failed;
        emit EnigmaFailed(taskId);
        _onTaskFailed(taskId);
    }

    /// Pulls this contract's controller credits (refunds, the unused callback gas escrow) into it.
    /// Anyone may trigger it: the ether can only go to this contract.
    function withdrawEnigmaCredits() public virtual {
        enigmaController.withdrawCredits();
    }

    /// Credits arrive from the controller only; override to accept ether from elsewhere.
    receive() external payable virtual {
        if (msg.sender != address(enigmaController)) revert OnlyEnigmaController(msg.sender);
    }

    /// Creates a task whose callback is this contract's `enigmaCallback`, forwarding `value` (at
    /// least `_taskPrice(req)`: the fee plus the callback gas escrow `gasLimit × maxFeePerGas`). Set
    /// `req.inputSlots` (slot owners), `req.callback.gasLimit` and `req.callback.maxFeePerGas`; the
    /// callback's target and selector are overwritten. Refunds come back as credits to this contract.
    function _requestTask(EnigmaController.TaskRequest memory req, uint256 value) internal returns (bytes32 taskId) {
        req.callback.target = address(this);
        req.callback.selector = this.enigmaCallback.selector;
        taskId = enigmaController.createTask{value: value}(req);
        enigmaRequests[taskId] = Request.Pending;
        emit EnigmaRequested(taskId);
    }

    /// What `_requestTask(req, …)` must forward at least.
    function _taskPrice(EnigmaController.TaskRequest memory req) internal view returns (uint256) {
        return enigmaController.quoteCost(req.multiplications, req.rounds)
            + uint256(req.callback.gasLimit) * req.callback.maxFeePerGas;
    }

    /// The result of a task this contract created: `typedOutputs` = abi.encode of the public outputs.
    function _onResult(bytes32 taskId, bytes calldata typedOutputs) internal virtual;

    /// A task this contract created will never deliver (see `enigmaTaskFailed`). Default: nothing.
    function _onTaskFailed(bytes32 taskId) internal virtual {}
}

/// @notice Decoding helpers for `typedOutputs` = abi.encode(v1, v2, …) (docs/controller.md "Typed
/// outputs"). `abi.decode(typedOutputs, (uint256, bool, int256[]))` decodes everything at once; these
/// read one output by its head position: the i-th word of the head is output i when every output
/// before it is a scalar or an array (a static object — a tuple of scalars — takes one word per field).
library EnigmaOutputs {
    error OutputOutOfRange(uint256 index);
    error NotABool(uint256 index);

    /// 2^61 − 1 and 2^127 − 1: the fields of secret contracts (the raw `fieldValues` part of a receipt).
    uint256 internal constant P61 = (1 << 61) - 1;
    uint256 internal constant P127 = (1 << 127) - 1;

    function word(bytes calldata typedOutputs, uint256 index) internal pure returns (bytes32 w) {
        uint256 start = index * 32;
        if (typedOutputs.length < start + 32) revert OutputOutOfRange(index);
        w = bytes32(typedOutputs[start:start + 32]);
    }

    /// `uint` output (uint256).
    function uintAt(bytes calldata typedOutputs, uint256 index) internal pure returns (uint256) {
        return uint256(word(typedOutputs, index));
    }

    /// `int` or fixed-point output (int256; fixed point is the integer scaled by 2^frac).
    function intAt(bytes calldata typedOutputs, uint256 index) internal pure returns (int256) {
        return int256(uint256(word(typedOutputs, index)));
    }

    function boolAt(bytes calldata typedOutputs, uint256 index) internal pure returns (bool) {
        uint256 w = uint256(word(typedOutputs, index));
        if (w > 1) revert NotABool(index);
        return w == 1;
    }

    /// Array of `uint` (uint256[]), output `index` of the head.
    function uintArrayAt(bytes calldata typedOutputs, uint256 index) internal pure returns (uint256[] memory) {
        return abi.decode(_tail(typedOutputs, index), (uint256[]));
    }

    /// Array of `int` or fixed point (int256[]).
    function intArrayAt(bytes calldata typedOutputs, uint256 index) internal pure returns (int256[] memory) {
        return abi.decode(_tail(typedOutputs, index), (int256[]));
    }

    function boolArrayAt(bytes calldata typedOutputs, uint256 index) internal pure returns (bool[] memory) {
        return abi.decode(_tail(typedOutputs, index), (bool[]));
    }

    /// A fixed-point value (scaled by 2^frac) as an 18-decimal fixed-point number (rounds toward zero).
    function fixedToWad(int256 scaled, uint8 frac) internal pure returns (int256) {
        return scaled * 1e18 / int256(1 << frac);
    }

    /// A field element of the raw part (`fieldValues`) in its signed reading: x > p/2 stands for x − p.
    function fieldToSigned(uint256 x, uint256 p) internal pure returns (int256) {
        return x > p / 2 ? -int256(p - x) : int256(x);
    }

    /// A dynamic output re-based so that abi.decode(…, (T)) reads it: a fresh one-word head pointing
    /// at the output's tail (ABI offsets are relative to the start of the enclosing head).
    function _tail(bytes calldata typedOutputs, uint256 index) private pure returns (bytes memory) {
        uint256 offset = uint256(word(typedOutputs, index));
        if (offset > typedOutputs.length) revert OutputOutOfRange(index);
        return bytes.concat(bytes32(uint256(32)), typedOutputs[offset:]);
    }
}
