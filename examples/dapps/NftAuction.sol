// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EnigmaController} from "enigma-ts/contracts/EnigmaController.sol";
import {EnigmaConsumer, EnigmaOutputs} from "enigma-ts/contracts/EnigmaConsumer.sol";
import {CircuitBook} from "./CircuitBook.sol";

/// Sealed-bid second-price (Vickrey) auction of an ERC-721 token on Enigma (docs/dapps.md).
///
/// 1. `list`: the seller escrows the token here and sets the bid unit and the two periods.
/// 2. `join`: a bidder escrows a deposit (public, a multiple of the unit); it bounds her bid.
/// 3. `close` (anyone, after the bidding period, paying the task's fee): opens a task of the
///    `sealed-bid-auction` secret contract (examples/sealed-bid-auction.ts) with one input slot per
///    bidder, owned by the bidder. Each bidder then sends `{ amount, deposit }` through the SDK: the
///    amount never appears on chain, and the secret contract treats a bid above its deposit as 0.
/// 4. The controller calls back with (winner, price, sold, deposits): the token goes to the winner,
///    who pays the second price; the secret contract echoes the deposits it was given, and a bidder
///    who claimed more than she escrowed voids the auction and forfeits her deposit to the seller.
///    A task that fails (a bidder never sends her bid, an aborted committee) refunds everything.
/// 5. `claim` (pull payments): each bidder takes her deposit back (the winner minus the price), the
///    seller the price. No loop pays anyone, so no recipient can block another.
contract NftAuction is EnigmaConsumer, CircuitBook, ReentrancyGuard {
    using Address for address payable;

    /// Bounds the callback's one loop (a storage read per bidder) and so its gas.
    uint256 public constant MAX_BIDDERS = 100;
    /// Gas of the result callback: decoding and the token transfer, plus the deposit check per bidder.
    uint32 public constant CALLBACK_GAS_BASE = 250_000;
    uint32 public constant CALLBACK_GAS_PER_BIDDER = 12_000;
    /// The most the callback's gas may cost per unit (its escrow is gasLimit × this; the unused part
    /// comes back to whoever paid for the close).
    uint64 public constant CALLBACK_MAX_FEE_PER_GAS = 10 gwei;
    /// After the bidding period, anyone may end an auction that nobody closed (no fee paid) as unsold.
    uint64 public constant CLOSE_GRACE = 1 days;
    /// Gas the token contract gets for the transfer in the callback (a hostile one cannot eat the rest).
    uint256 public constant TOKEN_TRANSFER_GAS = 100_000;
    uint8 private constant COMMITTEE_N = 5;
    uint8 private constant COMMITTEE_T = 2;
    uint8 private constant SECURITY_MALICIOUS = 1;

    enum Phase {
        None,
        /// Listed: bidders join.
        Bidding,
        /// Closed: the task runs, bidders send their sealed bids through the SDK.
        Sealed,
        /// Settled with a winner.
        Sold,
        /// Fewer than two bidders, no valid bid, or nobody closed it in time: everything goes back.
        Unsold,
        /// A bidder claimed a larger deposit than she escrowed: everything goes back but hers.
        Voided,
        /// The task failed or was refunded: everything goes back.
        Failed
    }

    struct Auction {
        address seller;
        uint64 biddingEnds;
        uint32 submitSeconds;
        Phase phase;
        bool tokenReleased;
        bool proceedsClaimed;
        IERC721 token;
        uint256 tokenId;
        /// Wei per bid unit: bids and deposits enter the secret contract as uint32 counts of units.
        uint128 unit;
        /// Second price, in units.
        uint32 price;
        address winner;
        bytes32 taskId;
        /// Wei of forfeited deposits (false deposit claims), paid to the seller.
        uint256 forfeited;
        /// Who paid the task's fee at `close`, and what of it comes back (a refund, unused callback gas).
        address closer;
        uint256 feeRefund;
        address[] bidders;
    }

    uint256 public auctionCount;
    mapping(uint256 id => Auction) private _auctions;
    /// Escrowed deposit in wei (0 once claimed or forfeited).
    mapping(uint256 id => mapping(address bidder => uint256)) public depositOf;
    mapping(bytes32 taskId => uint256 id) public auctionOfTask;

    event Listed(uint256 indexed id, address indexed seller, address token, uint256 tokenId, uint128 unit, uint64 biddingEnds);
    event Joined(uint256 indexed id, address indexed bidder, uint256 slot, uint256 deposit);
    event Closed(uint256 indexed id, bytes32 indexed taskId, uint256 bidders);
    event Sold(uint256 indexed id, address indexed winner, uint256 slot, uint256 priceWei);
    event Unsold(uint256 indexed id);
    event Voided(uint256 indexed id, uint256 liars, uint256 forfeitedWei);
    event DepositForfeited(uint256 indexed id, address indexed bidder, uint256 claimedUnits, uint256 depositUnits);
    event Failed(uint256 indexed id, bytes32 indexed taskId);
    event TokenReleased(uint256 indexed id, address indexed to);
    event TokenTransferFailed(uint256 indexed id, address indexed to);
    event Claimed(uint256 indexed id, address indexed account, uint256 amount);

    error WrongPhase(uint256 id, Phase phase);
    error BiddingOver(uint64 biddingEnds);
    error BiddingNotOver(uint64 biddingEnds);
    error AlreadyJoined(address bidder);
    error TooManyBidders();
    error BadDeposit(uint256 amount, uint128 unit);
    error BadAuctionParams();
    error NothingToClaim();

    constructor(EnigmaController controller, address owner_) EnigmaConsumer(controller) Ownable(owner_) {}

    // ------------------------------------------------------------------ seller and bidders

    /// Escrows `tokenId` (approve this contract first) and opens bidding for `biddingSeconds`; after
    /// `close`, bidders have `submitSeconds` to send their sealed bids.
    function list(IERC721 token, uint256 tokenId, uint128 unit, uint64 biddingSeconds, uint32 submitSeconds)
        external
        returns (uint256 id)
    {
        if (unit == 0 || biddingSeconds == 0 || submitSeconds < 60) revert BadAuctionParams();
        id = ++auctionCount;
        Auction storage a = _auctions[id];
        a.seller = msg.sender;
        a.token = token;
        a.tokenId = tokenId;
        a.unit = unit;
        a.biddingEnds = uint64(block.timestamp) + biddingSeconds;
        a.submitSeconds = submitSeconds;
        a.phase = Phase.Bidding;
        emit Listed(id, msg.sender, address(token), tokenId, unit, a.biddingEnds);
        token.transferFrom(msg.sender, address(this), tokenId);
    }

    /// Escrows a deposit: a whole number of units, at most 2^32 − 1 of them. A bid above it counts as 0.
    function join(uint256 id) external payable {
        Auction storage a = _inPhase(id, Phase.Bidding);
        if (block.timestamp >= a.biddingEnds) revert BiddingOver(a.biddingEnds);
        if (depositOf[id][msg.sender] != 0) revert AlreadyJoined(msg.sender);
        if (a.bidders.length >= MAX_BIDDERS) revert TooManyBidders();
        if (msg.value == 0 || msg.value % a.unit != 0 || msg.value / a.unit > type(uint32).max) revert BadDeposit(msg.value, a.unit);
        // The auction can only close with a circuit for this many bidders: refuse the join now, not the close.
        if (a.bidders.length >= 1) circuitFor(a.bidders.length + 1);
        depositOf[id][msg.sender] = msg.value;
        a.bidders.push(msg.sender);
        emit Joined(id, msg.sender, a.bidders.length - 1, msg.value);
    }

    /// Ends bidding (anyone, after the bidding period). With two or more bidders it opens the task,
    /// paying its fee with msg.value (`closeFee` quotes it; the caller gets back what the task does not
    /// use); otherwise the auction is unsold.
    function close(uint256 id) external payable returns (bytes32 taskId) {
        Auction storage a = _inPhase(id, Phase.Bidding);
        if (block.timestamp < a.biddingEnds) revert BiddingNotOver(a.biddingEnds);
        uint256 k = a.bidders.length;
        if (k < 2) {
            // A second price needs a second bidder: nothing to compute, nothing charged.
            if (msg.value != 0) revert BadAuctionParams();
            _endUnsold(id, a);
            return bytes32(0);
        }
        taskId = _requestTask(_taskRequest(a, k), msg.value);
        a.closer = msg.sender;
        a.taskId = taskId;
        a.phase = Phase.Sealed;
        auctionOfTask[taskId] = id;
        emit Closed(id, taskId, k);
    }

    /// What `close(id)` must pay: the controller's price of the task plus its callback gas escrow.
    function closeFee(uint256 id) external view returns (uint256) {
        Auction storage a = _auctions[id];
        return _taskPrice(_taskRequest(a, a.bidders.length));
    }

    /// An auction nobody closed within CLOSE_GRACE after its bidding period ends unsold.
    function abandon(uint256 id) external {
        Auction storage a = _inPhase(id, Phase.Bidding);
        if (block.timestamp < uint256(a.biddingEnds) + CLOSE_GRACE) revert BiddingNotOver(a.biddingEnds);
        _endUnsold(id, a);
    }

    /// Pull payment of everything `msg.sender` is owed by auction `id` once it ended (`claimable`).
    function claim(uint256 id) external nonReentrant returns (uint256 amount) {
        amount = claimable(id, msg.sender);
        if (amount == 0) revert NothingToClaim();
        Auction storage a = _auctions[id];
        depositOf[id][msg.sender] = 0;
        if (msg.sender == a.seller) a.proceedsClaimed = true;
        if (msg.sender == a.closer && a.feeRefund != 0) {
            a.feeRefund = 0;
            // The refund sits in the controller as this contract's credits until pulled here.
            if (enigmaController.credits(address(this)) != 0) withdrawEnigmaCredits();
        }
        emit Claimed(id, msg.sender, amount);
        payable(msg.sender).sendValue(amount);
    }

    /// What `account` may claim from auction `id`: nothing before it ended; then a bidder's deposit
    /// (the winner's minus the price; nothing after a false deposit claim), and for the seller the
    /// price plus forfeited deposits.
    function claimable(uint256 id, address account) public view returns (uint256 amount) {
        Auction storage a = _auctions[id];
        Phase phase = a.phase;
        if (phase == Phase.None || phase == Phase.Bidding || phase == Phase.Sealed) return 0;
        uint256 proceeds = phase == Phase.Sold ? uint256(a.price) * a.unit : 0;
        amount = depositOf[id][account];
        if (amount != 0 && account == a.winner) amount -= proceeds;
        if (account == a.seller && !a.proceedsClaimed) amount += a.forfeited + proceeds;
        if (account == a.closer) amount += a.feeRefund;
    }

    /// Retries a token transfer that failed when the auction ended (anyone may call).
    function releaseToken(uint256 id) external {
        Auction storage a = _auctions[id];
        Phase phase = a.phase;
        if (phase == Phase.None || phase == Phase.Bidding || phase == Phase.Sealed || a.tokenReleased) revert WrongPhase(id, phase);
        a.tokenReleased = true;
        address to = phase == Phase.Sold ? a.winner : a.seller;
        emit TokenReleased(id, to);
        a.token.transferFrom(address(this), to, a.tokenId);
    }

    // ------------------------------------------------------------------ views

    function getAuction(uint256 id) external view returns (Auction memory) {
        return _auctions[id];
    }

    /// Slot index of a bidder (its input slot is `bids[slot]`), or type(uint256).max.
    function slotOf(uint256 id, address bidder) external view returns (uint256) {
        address[] storage bidders = _auctions[id].bidders;
        for (uint256 i = 0; i < bidders.length; i++) {
            if (bidders[i] == bidder) return i;
        }
        return type(uint256).max;
    }

    // ------------------------------------------------------------------ the task and its result

    function _taskRequest(Auction storage a, uint256 k) private view returns (EnigmaController.TaskRequest memory req) {
        Circuit memory c = circuitFor(k);
        string[] memory names = new string[](1);
        names[0] = "bidders";
        int256[] memory values = new int256[](1);
        values[0] = int256(k);
        req.codeHash = c.codeHash;
        req.params = abi.encode(names, values); // src/chain/params.ts: names sorted
        req.n = COMMITTEE_N;
        req.t = COMMITTEE_T;
        req.securityMode = SECURITY_MALICIOUS;
        req.multiplications = c.multiplications;
        req.rounds = c.rounds;
        req.inputSlots = new EnigmaController.InputSlot[](k);
        for (uint256 i = 0; i < k; i++) {
            req.inputSlots[i] = EnigmaController.InputSlot(string.concat("bids[", Strings.toString(i), "]"), a.bidders[i]);
        }
        req.deadline = uint64(block.timestamp) + a.submitSeconds;
        req.callback.gasLimit = CALLBACK_GAS_BASE + CALLBACK_GAS_PER_BIDDER * uint32(k);
        req.callback.maxFeePerGas = CALLBACK_MAX_FEE_PER_GAS;
    }

    /// The secret contract's public outputs, in declaration order: winner (slot index), price (units),
    /// sold, and the deposits (units) the bidders entered. Outputs that cannot be this auction's (a
    /// circuit book entry that is not `sealed-bid-auction`) end it as failed: everything goes back.
    function _onResult(bytes32 taskId, bytes calldata outputs) internal override {
        uint256 id = auctionOfTask[taskId];
        Auction storage a = _inPhase(id, Phase.Sealed);
        _creditUnusedCallbackGas(a, taskId);
        uint256 winner = EnigmaOutputs.uintAt(outputs, 0);
        uint256 price = EnigmaOutputs.uintAt(outputs, 1);
        bool sold = EnigmaOutputs.boolAt(outputs, 2);
        uint256[] memory claimed = EnigmaOutputs.uintArrayAt(outputs, 3);
        uint256 k = a.bidders.length;
        if (claimed.length != k || winner >= k || (sold && price > claimed[winner])) return _fail(id, a, taskId);
        // A bid is valid in the secret contract iff amount ≤ claimed deposit; here: claimed ≤ escrowed.
        uint256 liars = 0;
        uint256 forfeited = 0;
        for (uint256 i = 0; i < k; i++) {
            address bidder = a.bidders[i];
            uint256 deposit = depositOf[id][bidder];
            if (claimed[i] > deposit / a.unit) {
                liars++;
                forfeited += deposit;
                depositOf[id][bidder] = 0;
                emit DepositForfeited(id, bidder, claimed[i], deposit / a.unit);
            }
        }
        if (liars != 0) {
            a.forfeited = forfeited;
            a.phase = Phase.Voided;
            emit Voided(id, liars, forfeited);
            _releaseToken(id, a, a.seller);
        } else if (!sold) {
            _endUnsold(id, a);
        } else {
            a.winner = a.bidders[winner];
            a.price = uint32(price);
            a.phase = Phase.Sold;
            emit Sold(id, a.winner, winner, price * a.unit);
            _releaseToken(id, a, a.winner);
        }
    }

    /// The task failed (`enigmaTaskFailed`: refunded after its deadline, or its callback failed for
    /// good): the token and every deposit go back, and the closer gets what the controller refunded.
    function _onTaskFailed(bytes32 taskId) internal override {
        uint256 id = auctionOfTask[taskId];
        Auction storage a = _inPhase(id, Phase.Sealed);
        EnigmaController.Task memory task = enigmaController.getTask(taskId);
        if (task.status == EnigmaController.TaskStatus.Refunded) {
            a.feeRefund = task.fee + uint256(CALLBACK_GAS_BASE + CALLBACK_GAS_PER_BIDDER * a.bidders.length) * CALLBACK_MAX_FEE_PER_GAS;
        }
        _fail(id, a, taskId);
    }

    function _fail(uint256 id, Auction storage a, bytes32 taskId) private {
        a.phase = Phase.Failed;
        emit Failed(id, taskId);
        _releaseToken(id, a, a.seller);
    }

    /// The receipt credited this contract with the callback's gas escrow minus the submitter's
    /// reimbursement at the receipt transaction's gas price; it belongs to the closer. Known exactly
    /// only in that transaction (the first attempt: the controller marks it `Failed` while the call
    /// runs); after a retry the small remainder stays with the contract.
    function _creditUnusedCallbackGas(Auction storage a, bytes32 taskId) private {
        (,,,, EnigmaController.CallbackStatus status) = enigmaController.callbacks(taskId);
        if (status != EnigmaController.CallbackStatus.Failed) return;
        uint256 gasLimit = CALLBACK_GAS_BASE + CALLBACK_GAS_PER_BIDDER * a.bidders.length;
        uint256 paid = tx.gasprice < CALLBACK_MAX_FEE_PER_GAS ? tx.gasprice : CALLBACK_MAX_FEE_PER_GAS;
        a.feeRefund = gasLimit * (CALLBACK_MAX_FEE_PER_GAS - paid);
    }

    function _endUnsold(uint256 id, Auction storage a) private {
        a.phase = Phase.Unsold;
        emit Unsold(id);
        _releaseToken(id, a, a.seller);
    }

    /// Moves the token out without letting its contract block the auction: `transferFrom` calls no
    /// receiver hook, and a token contract that reverts leaves it for `releaseToken`.
    function _releaseToken(uint256 id, Auction storage a, address to) private {
        try a.token.transferFrom{gas: TOKEN_TRANSFER_GAS}(address(this), to, a.tokenId) {
            a.tokenReleased = true;
            emit TokenReleased(id, to);
        } catch {
            emit TokenTransferFailed(id, to);
        }
    }

    function _inPhase(uint256 id, Phase phase) private view returns (Auction storage a) {
        a = _auctions[id];
        if (a.phase != phase) revert WrongPhase(id, a.phase);
    }
}
