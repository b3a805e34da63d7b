// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EnigmaController} from "../EnigmaController.sol";
import {EnigmaConsumer, EnigmaOutputs} from "../EnigmaConsumer.sol";

/// Test-only callback targets and attackers of issue #16 (src/chain/actions/callbacks.test.ts).
/// Never deployed outside tests.

/// Always reverts with a reason.
contract RevertingCallback {
    error Refused(bytes32 taskId);

    function onResult(bytes32 taskId, bytes calldata) external pure {
        revert Refused(taskId);
    }
}

/// Burns every unit of gas it is given (an invalid opcode consumes all of it).
contract GasBurnerCallback {
    function onResult(bytes32, bytes calldata) external pure {
        assembly {
            invalid()
        }
    }
}

/// Records the gas it was given (`probe`), or does nothing at all (`noop`: the callback path's own cost).
contract GasProbeCallback {
    uint256 public gasAtEntry;

    function probe(bytes32, bytes calldata) external {
        gasAtEntry = gasleft();
    }

    function noop(bytes32, bytes calldata) external pure {}
}

/// Reverts with a revert payload of `size` bytes (a returndata bomb: the caller must not copy it all).
contract ReturnBombCallback {
    uint256 public immutable size;

    constructor(uint256 size_) {
        size = size_;
    }

    function onResult(bytes32, bytes calldata) external view {
        uint256 n = size;
        assembly {
            revert(0, n)
        }
    }
}

/// Tries to re-enter the controller from its callback: every path that moves ether or accepted
/// results. Records each attempt's outcome (true = it went through) and the revert data, and
/// returns normally so the test can read them.
contract ReentrantCallback {
    EnigmaController public immutable controller;
    bytes public publicOutputs;
    bytes32 public outputHash;
    bytes[] public signatures;
    bool[5] public succeeded;
    bytes[5] public errors;
    uint256 public calls;

    constructor(EnigmaController c) {
        controller = c;
    }

    receive() external payable {}

    function arm(bytes32 outputHash_, bytes calldata publicOutputs_, bytes[] calldata signatures_) external {
        outputHash = outputHash_;
        publicOutputs = publicOutputs_;
        delete signatures;
        for (uint256 i = 0; i < signatures_.length; i++) signatures.push(signatures_[i]);
    }

    function create(EnigmaController.TaskRequest calldata req) external payable returns (bytes32) {
        return controller.createTask{value: msg.value}(req);
    }

    function onResult(bytes32 taskId, bytes calldata) external {
        calls++;
        bytes[5] memory attempts = [
            abi.encodeCall(EnigmaController.submitReceipt, (taskId, outputHash, publicOutputs, signatures)),
            abi.encodeCall(EnigmaController.settle, (taskId)),
            abi.encodeCall(EnigmaController.withdrawCredits, ()),
            abi.encodeCall(EnigmaController.refundTask, (taskId)),
            abi.encodeCall(EnigmaController.retryCallback, (taskId, outputHash, publicOutputs))
        ];
        for (uint256 i = 0; i < attempts.length; i++) {
            (bool ok, bytes memory err) = address(controller).call(attempts[i]);
            succeeded[i] = ok;
            errors[i] = err;
        }
    }
}

/// A well-behaved consumer: records results and failures; can be told to revert in its hook.
contract TestConsumer is EnigmaConsumer {
    bytes32 public lastTaskId;
    bytes public lastOutputs;
    uint256 public results;
    bytes32 public failedTaskId;
    bool public refuse;

    constructor(EnigmaController c) EnigmaConsumer(c) {}

    function setRefuse(bool r) external {
        refuse = r;
    }

    function request(EnigmaController.TaskRequest calldata req) external payable returns (bytes32) {
        return _requestTask(req, msg.value);
    }

    function price(EnigmaController.TaskRequest calldata req) external view returns (uint256) {
        return _taskPrice(req);
    }

    /// First output as uint and the second as an int array, through EnigmaOutputs.
    function firstUint() external view returns (uint256) {
        return this.decodeUint(lastOutputs, 0);
    }

    function decodeUint(bytes calldata outputs, uint256 index) external pure returns (uint256) {
        return EnigmaOutputs.uintAt(outputs, index);
    }

    function decodeInt(bytes calldata outputs, uint256 index) external pure returns (int256) {
        return EnigmaOutputs.intAt(outputs, index);
    }

    function decodeBool(bytes calldata outputs, uint256 index) external pure returns (bool) {
        return EnigmaOutputs.boolAt(outputs, index);
    }

    function decodeIntArray(bytes calldata outputs, uint256 index) external pure returns (int256[] memory) {
        return EnigmaOutputs.intArrayAt(outputs, index);
    }

    function decodeUintArray(bytes calldata outputs, uint256 index) external pure returns (uint256[] memory) {
        return EnigmaOutputs.uintArrayAt(outputs, index);
    }

    function _onResult(bytes32 taskId, bytes calldata typedOutputs) internal override {
        require(!refuse, "refused");
        lastTaskId = taskId;
        lastOutputs = typedOutputs;
        results++;
    }

    function _onTaskFailed(bytes32 taskId) internal override {
        failedTaskId = taskId;
    }
}

/// Calls a consumer's entry point directly, pretending to deliver a result.
contract ImpostorCaller {
    function deliver(EnigmaConsumer consumer, bytes32 taskId, bytes calldata outputs) external {
        consumer.enigmaCallback(taskId, outputs);
    }
}
