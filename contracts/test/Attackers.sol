// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EnigmaController} from "../EnigmaController.sol";

/// Test-only attacker contracts (src/chain/actions/attacks.test.ts). Never deployed outside tests.

/// Issue #10 point 2, as the attacker wrote it: create a task and keep it only if the committee is
/// already known and holds a majority of the attacker's nodes; otherwise revert (the throw-away
/// task costs nothing but gas). Against the two-step draw the committee is unknown inside the
/// creating transaction, and drawing in the same transaction is refused.
contract GrindingCreator {
    EnigmaController public immutable controller;

    constructor(EnigmaController c) {
        controller = c;
    }

    function createIfCaptured(EnigmaController.TaskRequest calldata req, address[] calldata mine, uint256 need, bytes calldata header)
        external
        payable
        returns (bytes32 taskId)
    {
        taskId = controller.createTask{value: msg.value}(req);
        if (header.length > 0) controller.drawCommittee(taskId, header);
        address[] memory committee = controller.getTask(taskId).committee;
        uint256 captured = 0;
        for (uint256 i = 0; i < committee.length; i++) {
            for (uint256 j = 0; j < mine.length; j++) {
                if (committee[i] == mine[j]) captured++;
            }
        }
        require(captured >= need, "not captured");
    }
}

/// A creator that refuses ether: its refund credit can never be pushed to it (pull payments), and
/// its own withdrawal fails cleanly with TransferFailed.
contract EtherRefuser {
    EnigmaController public immutable controller;

    constructor(EnigmaController c) {
        controller = c;
    }

    function create(EnigmaController.TaskRequest calldata req) external payable returns (bytes32) {
        return controller.createTask{value: msg.value}(req);
    }

    function withdraw() external {
        controller.withdrawCredits();
    }
}
