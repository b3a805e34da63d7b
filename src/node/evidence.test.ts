/**
 * Which failures are first-hand evidence against a member (src/node/evidence.ts): the reasons below
 * are the task runner's, copied from devnet runs with a silent member (issue #12).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { culpritOf, suspendVotes } from './evidence.ts'

const P = '(party 2, peer 12D3KooWKPNC2V4ufWfpVusJuexsCGT8ZyN7KMxLGWgRzaixLcAu)'

test('a timeout, a dropped connection and an overdue frame accuse the member first-hand', () => {
  assert.equal(culpritOf(`timeout: party 2 sent nothing for 'input-coin#2' within 5000 ms ${P}`), 2)
  assert.equal(culpritOf(`peer disconnected: party 2 disconnected before sending 'open#7': connection closed ${P}`), 2)
  assert.equal(culpritOf(`peer disconnected: party 2 disconnected before sending 'input-coin#2': no frame within 5000 ms, then closed the session (peer disconnected: party 3 disconnected before sending 'input-check#3': closed the session (timeout: party 2 sent nothing for 'input-coin#2' within 5000 ms)) ${P}`), 2)
})

test('a messenger (it closed the session with its own cause) and cheating that names nobody accuse no one', () => {
  // Party 3 relayed its own cause before our deadline: it is not the culprit, and its cause is second-hand to us.
  assert.equal(culpritOf(`peer disconnected: party 3 disconnected before sending 'input-check#3': closed the session (timeout: party 2 sent nothing for 'input-coin#2' within 5000 ms ${P}) (party 3, peer 12D3KooWJvws8h1sAPZbzdLVDrz56nyLwe22iz8nWVj6BW6v9ykR)`), undefined)
  assert.equal(culpritOf('MPC_CHEATING_DETECTED: MAC check failed'), undefined)
  assert.equal(culpritOf('interrupted: the node stopped during the computation'), undefined)
  assert.equal(culpritOf(undefined), undefined)
})

test('suspension threshold: the controller\'s majority of n, at least 2', () => {
  assert.deepEqual([3, 4, 5, 7, 32].map(suspendVotes), [2, 3, 3, 4, 17])
})
