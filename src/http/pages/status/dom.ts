// Every figure and word reaches the page as text (textContent, setAttribute), never as HTML: an upstream's
// own words and model names come from requests (DESIGN §1.10).

/** An element the page's HTML has; its absence is a bug in the page, not a state to render. */
export function $(id: string): HTMLElement {
  const node = document.getElementById(id)
  if (!node) throw new Error(`status page: no #${id}`)
  return node
}

export function set(id: string, text: string) {
  const node = document.getElementById(id)
  if (node && node.textContent !== text) node.textContent = text
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

/** A tbody of the page's tables, found by its table's id. */
export function tbody(tableId: string): HTMLTableSectionElement {
  const body = document.querySelector<HTMLTableSectionElement>(`#${tableId} tbody`)
  if (!body) throw new Error(`status page: no #${tableId} tbody`)
  return body
}

/** A row of one muted cell across the table: what an empty table shows. */
export function emptyRow(text: string, columns: number): HTMLTableRowElement {
  const tr = el('tr')
  const td = el('td', 'muted', text)
  td.colSpan = columns
  tr.appendChild(td)
  return tr
}
