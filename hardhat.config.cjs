// Hardhat 2.29 is only the local chain here (`hardhat node` / in-process provider). Contracts are
// compiled by src/chain/compile.ts with npm solc, never by Hardhat (it would try to download a
// compiler, STACK-NOTES "Chain"). The hardfork must match EVM_VERSION in src/chain/compile.ts.
const { createECDH, createHmac, pbkdf2Sync } = require('node:crypto')

// Enough funded accounts for committees, clients and the selection statistics test.
const ACCOUNT_COUNT = 40
const DEV_MNEMONIC = 'test test test test test test test test test test test junk'
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/**
 * The development mnemonic's accounts m/44'/60'/0'/0/i (BIP-39 seed, BIP-32 derivation), the very
 * accounts Hardhat makes from `accounts: { mnemonic }`, derived with node:crypto. Why not let Hardhat
 * derive them: it runs the seed's PBKDF2 (2 048 rounds of HMAC-SHA-512) and the key derivations in
 * plain JavaScript, ≈ 60 % of a chain's start-up CPU (profile of `hardhat node`: 4.3 of 7.6 CPU-s at
 * load 25); here it is a few milliseconds. src/chain/testing/hardhat-config.test.ts checks the keys
 * against viem's derivation.
 */
function devAccounts(count) {
  const hmac = (key, data) => createHmac('sha512', key).update(data).digest()
  const big = (b) => BigInt(`0x${b.toString('hex')}`)
  const bytes32 = (n) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex')
  const publicKey = (k) => { const e = createECDH('secp256k1'); e.setPrivateKey(bytes32(k)); return e.getPublicKey(null, 'compressed') }
  const child = ({ key, chain }, index) => {
    const hardened = index >= 0x80000000
    const data = Buffer.concat([hardened ? Buffer.concat([Buffer.alloc(1), bytes32(key)]) : publicKey(key), Buffer.from([index >>> 24, (index >>> 16) & 255, (index >>> 8) & 255, index & 255])])
    const i = hmac(chain, data)
    const tweak = big(i.subarray(0, 32))
    const next = (tweak + key) % SECP256K1_N
    if (tweak >= SECP256K1_N || next === 0n) throw new Error(`BIP-32: invalid child ${index}`) // probability ≈ 2^-127
    return { key: next, chain: i.subarray(32) }
  }
  const seed = pbkdf2Sync(Buffer.from(DEV_MNEMONIC.normalize('NFKD'), 'utf8'), 'mnemonic', 2048, 64, 'sha512')
  const master = hmac('Bitcoin seed', seed)
  const h = 0x80000000
  const parent = [44 + h, 60 + h, 0 + h, 0].reduce(child, { key: big(master.subarray(0, 32)), chain: master.subarray(32) })
  // Hardhat's default balance of a mnemonic account: 10 000 ETH.
  return Array.from({ length: count }, (_, i) => ({ privateKey: `0x${bytes32(child(parent, i).key).toString('hex')}`, balance: '10000000000000000000000' }))
}

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
      // Blocks faster than one a second (bench:e2e --block-ms): block timestamps are whole seconds,
      // and without this each block would add a second, so the chain's clock (input deadline, escape
      // window) would run ahead of the wall clock. With it, blocks of the same second share its timestamp.
      allowBlocksWithSameTimestamp: Number(process.env.ENIGMA_HARDHAT_INTERVAL_MS || 1000) < 1000,
      accounts: devAccounts(ACCOUNT_COUNT),
      loggingEnabled: false,
    },
  },
}
