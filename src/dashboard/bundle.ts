/**
 * The browser half of the dashboard, bundled by esbuild when the server starts (viem and the
 * planner included; nothing is fetched from a CDN at run time).
 */
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

export const BROWSER_ENTRY = fileURLToPath(new URL('./browser/main.ts', import.meta.url))

export interface DashboardBundle {
  readonly js: string
  /** Inputs that went in (for the test that nothing Node-only is bundled). */
  readonly inputs: readonly string[]
}

export async function bundleDashboard(): Promise<DashboardBundle> {
  const r = await build({
    entryPoints: [BROWSER_ENTRY], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true,
    minify: true, target: 'es2022', logLevel: 'silent', legalComments: 'none',
  })
  return { js: r.outputFiles[0]!.text, inputs: Object.keys(r.metafile.inputs) }
}
