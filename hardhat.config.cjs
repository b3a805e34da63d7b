// Hardhat 2.29 is only the local chain here (`hardhat node` / in-process provider). Contracts are
// compiled by src/chain/compile.ts with npm solc, never by Hardhat (it would try to download a
// compiler, STACK-NOTES "Chain"). The hardfork must match EVM_VERSION in src/chain/compile.ts.
/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  solidity: '0.8.37',
  paths: { sources: './contracts', artifacts: './.hardhat/artifacts', cache: './.hardhat/cache' },
  networks: {
    hardhat: {
      hardfork: 'cancun',
      // src/chain/testing/hardhat-node.ts sets these for a chain that looks like a real network:
      // another chain id, and a block every N ms instead of one per transaction.
      chainId: Number(process.env.ENIGMA_HARDHAT_CHAIN_ID || 31337),
      mining: process.env.ENIGMA_HARDHAT_INTERVAL_MS
        ? { auto: false, interval: Number(process.env.ENIGMA_HARDHAT_INTERVAL_MS) }
        : { auto: true, interval: 0 },
      // Enough funded accounts for committees, clients and the selection statistics test.
      accounts: { count: 40 },
      loggingEnabled: false,
    },
  },
}
