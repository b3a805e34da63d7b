// `node --conditions=enigma-source --import tsx --import ./src/common/polyfill.mjs bench/createtask-gas.bench.ts`: where createTask's gas goes
// as the slot count grows (issue #14 §5 step 4): total, calldata (intrinsic), the slotRoot computation alone, event data.
import { keccak256, stringToHex, parseEther, encodeFunctionData } from 'viem'
import { startControllerFixture, registerActiveNodes } from '../src/chain/testing/fixture.ts'
import { createTask } from '../src/chain/actions/createTask.ts'
import { quoteTask } from '../src/chain/actions/quoteTask.ts'
import { enigmaControllerAbi } from '../src/chain/generated/EnigmaController.ts'
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts'
const fx = await startControllerFixture()
try {
  await registerActiveNodes(fx, [2, 3, 4, 5, 6, 7], [parseEther('1')])
  const fee = await quoteTask(fx.publicClient, { address: fx.address, multiplications: 1000n, rounds: 20 })
  for (const N of [0, 1, 50, 200]) {
    const slots = Array.from({ length: N }, (_, i) => ({ name: `bids[${i}]`, owner: privateKeyToAccount(generatePrivateKey()).address }))
    const r = await createTask(fx.wallet(8), { address: fx.address, codeHash: keccak256(stringToHex('x')), params: { bidders: N }, n: 5, t: 2, security: 'malicious', multiplications: 1000n, rounds: 20, inputSlots: slots, deadline: (await fx.now()) + 3600n, fee })
    const tx = await fx.publicClient.getTransaction({ hash: r.hash })
    const data = Buffer.from(tx.input.slice(2), 'hex'); let z = 0; for (const b of data) if (b === 0) z++
    const calldataGas = 21000 + z * 4 + (data.length - z) * 16
    const rootGas = N ? await fx.publicClient.estimateGas({ to: fx.address, data: encodeFunctionData({ abi: enigmaControllerAbi, functionName: 'slotRoot', args: [slots] }) }) : 0n
    const logBytes = r.receipt.logs.reduce((s, l) => s + (l.data.length - 2) / 2, 0)
    console.log(JSON.stringify({ N, gas: Number(r.gasUsed), calldataBytes: data.length, intrinsic: calldataGas, slotRootCallEstimate: Number(rootGas), logBytes, logGas: logBytes * 8 }))
  }
} finally { await fx.stop() }
