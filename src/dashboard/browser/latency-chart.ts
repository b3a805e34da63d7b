/** Task latency over time as a small SVG (a string built from numbers only). */
export interface LatencyPoint {
  /** Completion time, unix seconds. */
  readonly at: number
  /** Creation → receipt, seconds. */
  readonly seconds: number
}

export function latencySvg(points: readonly LatencyPoint[], width = 480, height = 220): string {
  const left = 44, right = 10, top = 10, bottom = 30
  const xs = points.map((p) => p.at), ys = points.map((p) => p.seconds)
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1)
  const y1 = Math.max(1, ...ys) * 1.1
  const x = (v: number) => left + ((v - x0) / (x1 - x0)) * (width - left - right)
  const y = (v: number) => top + (1 - v / y1) * (height - top - bottom)
  const f = (v: number) => v.toFixed(1)
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="11" role="img" aria-label="task latency">`,
    `<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="#999"/>`,
  ]
  for (let i = 0; i <= 4; i++) {
    const v = (y1 * i) / 4
    out.push(`<line x1="${left}" x2="${width - right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#eee"/><text x="${left - 4}" y="${f(y(v) + 4)}" text-anchor="end">${v.toFixed(v < 10 ? 1 : 0)} s</text>`)
  }
  const time = (t: number) => new Date(t * 1000).toISOString().slice(11, 19)
  out.push(`<text x="${left}" y="${height - 8}">${time(x0)}</text><text x="${width - right}" y="${height - 8}" text-anchor="end">${time(x1)} UTC</text>`)
  const sorted = points.map((p, i) => [x(p.at), y(p.seconds), i] as const).sort((a, b) => a[0] - b[0])
  if (sorted.length > 1) out.push(`<polyline fill="none" stroke="#2563eb" points="${sorted.map(([a, b]) => `${f(a)},${f(b)}`).join(' ')}"/>`)
  for (const [a, b, i] of sorted) out.push(`<circle cx="${f(a)}" cy="${f(b)}" r="3" fill="#2563eb"><title>${points[i]!.seconds.toFixed(1)} s</title></circle>`)
  out.push('</svg>')
  return out.join('')
}
