/**
 * A small SVG plot of a plan: log10 of the failure probability against the committee size, with the
 * target as a dashed line and the recommended size marked. A string, no DOM: the CLI writes it to a
 * file and the dashboard puts it in the page.
 */
import type { PlanResult } from './committee-planner.ts'

export interface PlanSvgOptions {
  readonly width?: number
  readonly height?: number
}

export function planSvg(r: PlanResult, o: PlanSvgOptions = {}): string {
  const W = o.width ?? 480, H = o.height ?? 240
  const left = 52, right = 12, top = 14, bottom = 34
  const pts = r.rows.filter((x) => x.failure > 0)
  const nLo = r.rows[0]?.n ?? 1, nHi = Math.max(r.rows.at(-1)?.n ?? 1, nLo + 1)
  const logs = pts.map((x) => Math.log10(x.failure))
  const yHi = 0
  const yLo = Math.floor(Math.min(Math.log10(r.target) - 1, ...logs))
  const x = (n: number) => left + ((n - nLo) / (nHi - nLo)) * (W - left - right)
  const y = (l: number) => top + ((yHi - l) / (yHi - yLo)) * (H - top - bottom)
  const f = (v: number) => v.toFixed(1)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="committee failure probability by size">`,
    `<rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}" fill="none" stroke="#999"/>`,
  ]
  const step = Math.max(1, Math.ceil((yHi - yLo) / 6))
  for (let l = yHi; l >= yLo; l -= step) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${f(y(l))}" y2="${f(y(l))}" stroke="#eee"/>`)
    out.push(`<text x="${left - 4}" y="${f(y(l) + 4)}" text-anchor="end">1e${l}</text>`)
  }
  const nStep = Math.max(1, Math.ceil((nHi - nLo) / 8))
  for (let n = nLo; n <= nHi; n += nStep) out.push(`<text x="${f(x(n))}" y="${H - bottom + 14}" text-anchor="middle">${n}</text>`)
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 4}" text-anchor="middle">committee size n (fails when more than ⌊(n−1)/2⌋ are corrupt)</text>`)
  const ty = y(Math.log10(r.target))
  out.push(`<line x1="${left}" x2="${W - right}" y1="${f(ty)}" y2="${f(ty)}" stroke="#c33" stroke-dasharray="4 3"/>`)
  out.push(`<text x="${W - right - 4}" y="${f(ty - 4)}" text-anchor="end" fill="#c33">target ${r.target.toExponential().replace('e-', 'e-').replace('e+', 'e')}</text>`)
  if (pts.length > 1) out.push(`<polyline fill="none" stroke="#36c" points="${pts.map((p, i) => `${f(x(p.n))},${f(y(logs[i]!))}`).join(' ')}"/>`)
  pts.forEach((p, i) => out.push(`<circle cx="${f(x(p.n))}" cy="${f(y(logs[i]!))}" r="${p.n === r.recommended ? 4 : 2}" fill="${!p.allowed ? '#aaa' : p.meetsTarget ? '#393' : '#36c'}"><title>n=${p.n} t=${p.t} P=${p.failure.toExponential(3)}${p.allowed ? '' : ' (not allowed by the controller)'}</title></circle>`))
  if (r.recommended !== undefined) out.push(`<text x="${f(x(r.recommended))}" y="${top + 12}" text-anchor="middle" fill="#393">n=${r.recommended}</text>`)
  out.push('</svg>')
  return out.join('\n')
}
