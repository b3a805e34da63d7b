/**
 * The dashboard page (issue #13 §2): polls the chain and the nodes through its server and redraws.
 * No reload is ever needed; a failed poll shows its message in the header and the next one retries.
 */
import { enigmaControllerAbi } from '../../chain/generated/EnigmaController.ts'
import { emptyModel, RERUN_EVENT } from './model.ts'
import { NetworkReader, type ReaderConfig } from './reader.ts'
import { plannerForm, type PlannerInputs, renderHeader, renderLatency, renderNodes, renderPlanner, renderRecords, renderSlashing, renderTasks } from './views.ts'

const eventNames = enigmaControllerAbi.filter((x) => x.type === 'event').map((x) => (x as { name: string }).name)
const hasReruns = eventNames.some((n) => RERUN_EVENT.test(n))

async function start(): Promise<void> {
  const config = await fetch('/api/config').then((r) => r.json()) as ReaderConfig & { pollMs: number }
  const model = emptyModel()
  // Records and grants live in their own contract (contracts/EnigmaRecords.sol), shown when configured.
  const hasRecords = config.records !== undefined
  const reader = new NetworkReader(config, model)
  let planInputs: PlannerInputs = { corrupt: 0.2, target: 1e-9, nodes: undefined }
  plannerForm((v) => { planInputs = v; renderPlanner(model, planInputs) })
  const errorBox = document.getElementById('error')!
  const draw = () => {
    renderHeader(model, config.controller, config.chainId)
    renderNodes(model)
    renderTasks(model, hasReruns)
    renderLatency(model)
    renderSlashing(model)
    renderRecords(model, hasRecords)
    renderPlanner(model, planInputs)
  }
  const tick = async () => {
    try {
      await reader.pollChain()
      await reader.pollNodes()
      errorBox.textContent = ''
      draw()
    } catch (e) {
      errorBox.textContent = `poll failed: ${(e as Error).message.split('\n')[0]}`
      // A warning, not an error: a missed poll under load is retried; the header shows it meanwhile.
      console.warn(`enigma dashboard: ${errorBox.textContent}`)
    }
    document.body.dataset.block = String(model.latestBlock)
    setTimeout(() => void tick(), config.pollMs)
  }
  await tick()
}

void start()
