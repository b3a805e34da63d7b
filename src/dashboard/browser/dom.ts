/**
 * A tiny hyperscript helper: the dashboard's only view "library" (no view library is installed and
 * none may be added). Strings become text nodes, so chain-supplied values (peer ids, URIs, event
 * arguments) can never inject markup.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[]

export function h(tag: string, attrs: Readonly<Record<string, string | number | boolean | undefined>> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, children)
  return el
}

function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.append(typeof c === 'string' || typeof c === 'number' ? String(c) : (c as Node))
  }
}

/** Replaces the children of the element with the given id. */
export function mount(id: string, ...children: Child[]): void {
  const el = document.getElementById(id)
  if (!el) return
  const box = document.createElement('div')
  append(box, children)
  el.replaceChildren(...Array.from(box.childNodes))
}

/** An SVG string made by our own code from numbers (never from chain strings) as a DOM node. */
export function svgNode(svg: string): Node {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml')
  return document.importNode(doc.documentElement, true)
}

export function table(head: readonly string[], rows: readonly HTMLElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty)
  return h('table', {}, h('thead', {}, h('tr', {}, head.map((x) => h('th', {}, x)))), h('tbody', {}, rows))
}

export const badge = (s: string) => h('span', { class: `badge b-${s}` }, s)
export const short = (x: string, keep = 6) => (x.length > 2 * keep + 2 ? `${x.slice(0, keep + 2)}…${x.slice(-keep)}` : x)
