/**
 * The randomness of a dealing that a node may have to repeat after a restart (issue #12 item 4,
 * "restart without harm"). A state holder killed while dealing its share into a hand-off, restarted,
 * deals again under the same session; with fresh randomness the members that took part of the first
 * dealing and those that take the second hold sub-shares of two different polynomials, and the
 * hand-off's check aborts with MPC_CHEATING_DETECTED (semi-honest: the new sharing would be wrong).
 * Derived instead with a PRF of the node's secret key and the session, a re-dealing is bit-identical
 * to the first, so whichever copy a member gets, the sub-shares agree.
 *
 * The PRF is HKDF-SHA-256 (RFC 5869) keyed by the node's X25519 secret key, with its own salt (domain
 * separation from the key's use in envelopes) and the purpose and the session as `info`. One session
 * = one hand-off of one fixed share, so the same randomness never masks two different values; other
 * sessions get independent streams. Nobody without the node's secret key can predict it.
 */
import { hkdfSync } from 'node:crypto'
import { seededRandom, type RandomSource } from '../field/index.ts'
import type { Secret } from '../common/secret.ts'

const SALT = 'enigma-ts/dealing-randomness/v1'

/** A deterministic RandomSource for this node's dealing in `session` (its purpose, e.g. 'state', separates uses). */
export function dealingRandom(secretKey: Secret<Uint8Array>, purpose: string, session: string): RandomSource {
  const seed = hkdfSync('sha256', secretKey.expose(), SALT, `${purpose}\u0000${session}`, 32)
  return seededRandom(new Uint8Array(seed))
}
