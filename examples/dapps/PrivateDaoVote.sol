// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {EnigmaController} from "enigma-ts/contracts/EnigmaController.sol";
import {EnigmaConsumer} from "enigma-ts/contracts/EnigmaConsumer.sol";
import {CircuitBook} from "./CircuitBook.sol";

/// A DAO whose members choose between proposals by secret ballot on Enigma (docs/dapps.md).
///
/// Members `propose` calls (a target, an ETH value from the DAO's balance, calldata). A member opens a
/// ballot between 2…16 proposals: a task of the `voting` secret contract (examples/voting.ts) with one
/// input slot per member, owned by the member, who sends her choice (the proposal's position on the
/// ballot) through the SDK. Only the tally is ever public. The result callback executes the winner:
/// - quorum: more than half of the members must cast a valid vote, else nothing is executed;
/// - a tie for the most votes executes nothing (no proposal has a majority of the leaders);
/// - a winning call that reverts is recorded and may be retried by anyone with `execute`.
/// A ballot whose task fails (a member never votes, the committee aborts) ends without a winner;
/// its proposals may go to a new ballot.
contract PrivateDaoVote is EnigmaConsumer, CircuitBook {
    uint256 public constant MAX_CANDIDATES = 16;
    /// Gas the winning call gets inside the callback; more needs `execute`.
    uint256 public constant EXECUTION_GAS = 200_000;
    uint32 public constant CALLBACK_GAS = 400_000;
    uint64 public constant CALLBACK_MAX_FEE_PER_GAS = 10 gwei;
    uint8 private constant COMMITTEE_N = 5;
    uint8 private constant COMMITTEE_T = 2;
    uint8 private constant SECURITY_MALICIOUS = 1;

    struct Proposal {
        address proposer;
        address target;
        uint256 value;
        bytes data;
        string description;
        bool executed;
    }

    enum BallotStatus {
        None,
        Voting,
        /// A winner was chosen (and executed, or waiting for `execute` after a failed call).
        Decided,
        NoQuorum,
        Tie,
        Failed
    }

    struct Ballot {
        bytes32 taskId;
        BallotStatus status;
        /// Index into `proposals` of the winner (valid when Decided).
        uint256 winner;
        uint256[] proposals;
        uint256[] tally;
    }

    address[] private _members;
    mapping(address => bool) public isMember;
    Proposal[] private _proposals;
    Ballot[] private _ballots;
    mapping(bytes32 taskId => uint256 ballotPlusOne) private _ballotOfTask;

    event Proposed(uint256 indexed proposal, address indexed proposer, address target, uint256 value, string description);
    event BallotOpened(uint256 indexed ballot, bytes32 indexed taskId, uint256[] proposals);
    event BallotDecided(uint256 indexed ballot, uint256 indexed proposal, uint256[] tally);
    event BallotUndecided(uint256 indexed ballot, BallotStatus status, uint256[] tally);
    event BallotFailed(uint256 indexed ballot, bytes32 indexed taskId);
    event Executed(uint256 indexed proposal, bool ok);

    error NotMember(address account);
    error BadMembers();
    error BadBallot();
    error NotExecutable(uint256 proposal);

    modifier onlyMember() {
        if (!isMember[msg.sender]) revert NotMember(msg.sender);
        _;
    }

    constructor(EnigmaController controller, address owner_, address[] memory members_) EnigmaConsumer(controller) Ownable(owner_) {
        if (members_.length == 0 || members_.length > 1000) revert BadMembers();
        for (uint256 i = 0; i < members_.length; i++) {
            if (members_[i] == address(0) || isMember[members_[i]]) revert BadMembers();
            isMember[members_[i]] = true;
        }
        _members = members_;
    }

    /// The DAO's treasury, spent by executed proposals. Anyone may fund it; the controller's refunds
    /// (a failed ballot's fee, unused callback gas) land here too.
    receive() external payable override {}

    function propose(address target, uint256 value, bytes calldata data, string calldata description)
        external
        onlyMember
        returns (uint256 proposal)
    {
        proposal = _proposals.length;
        _proposals.push(Proposal(msg.sender, target, value, data, description, false));
        emit Proposed(proposal, msg.sender, target, value, description);
    }

    /// Opens a secret ballot between `proposals` (a member, paying the task's fee). Member i fills
    /// slot `votes[i]` with the position of her choice in `proposals`; any other number is invalid.
    function openBallot(uint256[] calldata proposals, uint32 submitSeconds) external payable onlyMember returns (uint256 ballot) {
        uint256 c = proposals.length;
        if (c < 2 || c > MAX_CANDIDATES || submitSeconds < 60) revert BadBallot();
        for (uint256 i = 0; i < c; i++) {
            if (proposals[i] >= _proposals.length || _proposals[proposals[i]].executed) revert BadBallot();
        }
        ballot = _ballots.length;
        Ballot storage b = _ballots.push();
        b.status = BallotStatus.Voting;
        b.proposals = proposals;
        b.taskId = _requestTask(_taskRequest(c, submitSeconds), msg.value);
        _ballotOfTask[b.taskId] = ballot + 1;
        emit BallotOpened(ballot, b.taskId, proposals);
    }

    /// Runs a decided ballot's winning call again after it failed (anyone).
    function execute(uint256 ballot) external returns (bool ok) {
        Ballot storage b = _ballots[ballot];
        if (b.status != BallotStatus.Decided) revert BadBallot();
        uint256 proposal = b.proposals[b.winner];
        if (_proposals[proposal].executed) revert NotExecutable(proposal);
        return _execute(proposal, gasleft());
    }

    // ------------------------------------------------------------------ views

    function members() external view returns (address[] memory) {
        return _members;
    }

    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    function ballotCount() external view returns (uint256) {
        return _ballots.length;
    }

    function getProposal(uint256 proposal) external view returns (Proposal memory) {
        return _proposals[proposal];
    }

    function getBallot(uint256 ballot) external view returns (Ballot memory) {
        return _ballots[ballot];
    }

    /// Valid votes needed: more than half of the members.
    function quorum() public view returns (uint256) {
        return _members.length / 2 + 1;
    }

    // ------------------------------------------------------------------ the task and its result

    /// Circuit book key: voters × 100 + candidates (the voting contract's two parameters).
    function circuitKey(uint256 voters, uint256 candidates) public pure returns (uint256) {
        return voters * 100 + candidates;
    }

    /// What `openBallot` must pay for a ballot between `candidates` proposals.
    function ballotFee(uint256 candidates) external view returns (uint256) {
        return _taskPrice(_taskRequest(candidates, 60));
    }

    function _taskRequest(uint256 candidates, uint32 submitSeconds) private view returns (EnigmaController.TaskRequest memory req) {
        uint256 voters = _members.length;
        Circuit memory circuit = circuitFor(circuitKey(voters, candidates));
        string[] memory names = new string[](2);
        (names[0], names[1]) = ("candidates", "voters"); // src/chain/params.ts: names sorted
        int256[] memory values = new int256[](2);
        (values[0], values[1]) = (int256(candidates), int256(voters));
        req.codeHash = circuit.codeHash;
        req.params = abi.encode(names, values);
        req.n = COMMITTEE_N;
        req.t = COMMITTEE_T;
        req.securityMode = SECURITY_MALICIOUS;
        req.multiplications = circuit.multiplications;
        req.rounds = circuit.rounds;
        req.inputSlots = new EnigmaController.InputSlot[](voters);
        for (uint256 i = 0; i < voters; i++) {
            req.inputSlots[i] = EnigmaController.InputSlot(string.concat("votes[", Strings.toString(i), "]"), _members[i]);
        }
        req.deadline = uint64(block.timestamp) + submitSeconds;
        req.callback.gasLimit = CALLBACK_GAS;
        req.callback.maxFeePerGas = CALLBACK_MAX_FEE_PER_GAS;
    }

    /// The voting contract's public outputs: tally (one count per ballot position) and invalid.
    function _onResult(bytes32 taskId, bytes calldata outputs) internal override {
        uint256 ballot = _ballotOfTask[taskId] - 1;
        Ballot storage b = _ballots[ballot];
        if (b.status != BallotStatus.Voting) revert BadBallot();
        (uint256[] memory tally,) = abi.decode(outputs, (uint256[], uint256));
        if (tally.length != b.proposals.length) return _fail(ballot, b, taskId);
        b.tally = tally;
        uint256 valid = 0;
        uint256 best = 0;
        bool tie = false;
        for (uint256 i = 0; i < tally.length; i++) {
            valid += tally[i];
            if (tally[i] > tally[best]) (best, tie) = (i, false);
            else if (i != best && tally[i] == tally[best]) tie = true;
        }
        if (valid < quorum() || tie) {
            b.status = valid < quorum() ? BallotStatus.NoQuorum : BallotStatus.Tie;
            emit BallotUndecided(ballot, b.status, tally);
            return;
        }
        b.status = BallotStatus.Decided;
        b.winner = best;
        uint256 proposal = b.proposals[best];
        emit BallotDecided(ballot, proposal, tally);
        if (!_proposals[proposal].executed) _execute(proposal, EXECUTION_GAS);
    }

    function _onTaskFailed(bytes32 taskId) internal override {
        uint256 ballot = _ballotOfTask[taskId] - 1;
        Ballot storage b = _ballots[ballot];
        if (b.status != BallotStatus.Voting) revert BadBallot();
        _fail(ballot, b, taskId);
    }

    function _fail(uint256 ballot, Ballot storage b, bytes32 taskId) private {
        b.status = BallotStatus.Failed;
        emit BallotFailed(ballot, taskId);
    }

    /// The winning call, made last (checks-effects-interactions): marked executed before, unmarked if
    /// it fails so that `execute` may run it again. A failure never reverts the callback, and no return
    /// data is copied (a target cannot make the DAO pay for a huge answer).
    function _execute(uint256 proposal, uint256 gasLimit) private returns (bool ok) {
        Proposal storage p = _proposals[proposal];
        p.executed = true;
        (address target, uint256 value, bytes memory data) = (p.target, p.value, p.data);
        if (address(this).balance >= value) {
            assembly ("memory-safe") {
                ok := call(gasLimit, target, value, add(data, 0x20), mload(data), 0, 0)
            }
        }
        if (!ok) p.executed = false;
        emit Executed(proposal, ok);
    }
}
