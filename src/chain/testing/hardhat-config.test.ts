/**
 * hardhat.config.cjs derives the development mnemonic's accounts itself with node:crypto (Hardhat's
 * own JavaScript PBKDF2 and key derivation were most of a chain's start-up CPU). They must be exactly
 * the accounts Hardhat made from the mnemonic, i.e. viem's BIP-32 derivation m/44'/60'/0'/0/i, each
 * with Hardhat's default 10 000 ETH: every test and the devnet sign with them.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { hdKeyToAccount, mnemonicToAccount, privateKeyToAccount } from 'viem/accounts'
import { toHex } from 'viem'
import { repoRoot } from '../compile.ts'
import { HARDHAT_ACCOUNT_COUNT, HARDHAT_MNEMONIC, hardhatAccount } from './hardhat-node.ts'

interface ConfigAccount { readonly privateKey: `0x${string}`; readonly balance: string }
const config = createRequire(import.meta.url)(join(repoRoot, 'hardhat.config.cjs')) as { networks: { hardhat: { accounts: ConfigAccount[] } } }
const accounts = config.networks.hardhat.accounts

test('the config funds HARDHAT_ACCOUNT_COUNT accounts with 10 000 ETH each', () => {
  assert.equal(accounts.length, HARDHAT_ACCOUNT_COUNT)
  for (const a of accounts) assert.equal(BigInt(a.balance), 10_000n * 10n ** 18n)
})

test('every account is the mnemonic\'s m/44\'/60\'/0\'/0/i, as viem derives it', () => {
  // Hardhat's well-known account 0 (its documentation prints it on every `hardhat node`).
  assert.equal(privateKeyToAccount(accounts[0]!.privateKey).address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
  // viem's own seed (its JavaScript PBKDF2, independent of node:crypto's), once; then each account.
  const master = mnemonicToAccount(HARDHAT_MNEMONIC, { path: 'm' as `m/44'/60'/${string}` }).getHdKey()
  for (const [i, a] of accounts.entries()) {
    const viaViem = hdKeyToAccount(master, { addressIndex: i })
    assert.equal(a.privateKey, toHex(viaViem.getHdKey().privateKey!), `account ${i}`)
    assert.equal(hardhatAccount(i).address, viaViem.address, `hardhatAccount(${i})`)
  }
})
