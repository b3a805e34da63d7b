/**
 * Who signed an owner's EIP-712 `Input` (input-batch.ts), recovered with bitcoin-core's libsecp256k1
 * (tiny-secp256k1, WebAssembly): 1.0–1.5 ms against viem/@noble's 3.5–4.6 ms per recovery, which was
 * 28–38 % of a member's CPU while inputs arrive (docs/performance.md, issue #14 night session).
 *
 * Acceptance is exactly viem's `recoverTypedDataAddress` (input-batch-recover.test.ts compares the two
 * on random keys and every edge case): the same typed-data hash (`hashTypedData`), the same parsing of
 * the 65-byte signature (viem's `recoverPublicKey`: hex or else the text's bytes, exactly 65 bytes,
 * v ∈ {0, 1, 27, 28}), r and s in [1, n) (libsecp256k1 and @noble both refuse the rest), no low-s rule
 * (neither applies one when recovering), address = last 20 bytes of keccak256(X ‖ Y).
 *
 * Node only: tiny-secp256k1 reads `secp256k1.wasm` beside its module, so it stays out of the browser
 * SDK (which imports input-batch.ts) and outside bundles (FILE_LOADING_PACKAGES).
 */
import { hexToBytes, hexToNumber, isHex, keccak256, recoverTypedDataAddress, size, toHex, type Hex } from 'viem'
import { inputsDomain, inputTypes, ownerInputDigest } from './input-batch.ts'
import type { ReceiptDomain } from './task-source.ts'

type Secp256k1Recover = (hash: Uint8Array, signature: Uint8Array, recoveryId: 0 | 1 | 2 | 3, compressed?: boolean) => Uint8Array | null
type Body = { taskId: Hex; slot: number; commitment: Hex }

export interface OwnerInputRecovery {
  /** The signer (lower-case), or undefined for a malformed or unrecoverable signature. */
  recover(domain: ReceiptDomain, body: Body, signature: Hex): Promise<Hex | undefined>
  /** Which implementation answers: libsecp256k1, or viem if the WebAssembly module could not load. */
  backend(): Promise<'libsecp256k1' | 'viem'>
}

/**
 * A recovery that loads libsecp256k1 once. Why a fallback at all: the WebAssembly file is read from
 * disk beside the package, and a node whose install lost it (a bundle that inlined the package, a
 * pruned copy) must still check owners' signatures. The fallback is viem's own function, the
 * reference of the equivalence, so it accepts exactly the same signatures; a load failure never
 * turns into acceptance.
 */
export function ownerInputRecovery(load: () => Promise<{ recover: Secp256k1Recover }> = () => import('tiny-secp256k1')): OwnerInputRecovery {
  let loaded: Promise<Secp256k1Recover | undefined> | undefined
  const secp = (): Promise<Secp256k1Recover | undefined> => (loaded ??= load().then((m) => m.recover, () => undefined))
  return {
    async recover(domain, body, signature) {
      const recover = await secp()
      return recover ? recoverWith(recover, domain, body, signature) : recoverWithViem(domain, body, signature)
    },
    async backend() {
      return (await secp()) ? 'libsecp256k1' : 'viem'
    },
  }
}

function recoverWith(recover: Secp256k1Recover, domain: ReceiptDomain, body: Body, signature: Hex): Hex | undefined {
  try {
    const hash = hexToBytes(ownerInputDigest(domain, body))
    // viem's recoverPublicKey, step by step: a non-hex string is taken as its UTF-8 bytes.
    const sigHex = isHex(signature) ? signature : toHex(signature)
    if (size(sigHex) !== 65) return undefined
    const v = hexToNumber(`0x${sigHex.slice(130)}`)
    const recoveryId = v === 0 || v === 27 ? 0 : v === 1 || v === 28 ? 1 : undefined
    if (recoveryId === undefined) return undefined
    const publicKey = recover(hash, hexToBytes(`0x${sigHex.substring(2, 130)}`), recoveryId, false)
    if (!publicKey) return undefined
    return `0x${keccak256(publicKey.subarray(1)).slice(26)}`
  } catch {
    return undefined
  }
}

async function recoverWithViem(domain: ReceiptDomain, body: Body, signature: Hex): Promise<Hex | undefined> {
  try {
    return (await recoverTypedDataAddress({
      domain: inputsDomain(domain), types: inputTypes, primaryType: 'Input', message: { taskId: body.taskId, slot: BigInt(body.slot), commitment: body.commitment }, signature,
    })).toLowerCase() as Hex
  } catch {
    return undefined
  }
}

const shared = ownerInputRecovery()

/** Who signed an owner input (undefined for a malformed signature). */
export function recoverOwnerInput(domain: ReceiptDomain, body: Body, signature: Hex): Promise<Hex | undefined> {
  return shared.recover(domain, body, signature)
}
