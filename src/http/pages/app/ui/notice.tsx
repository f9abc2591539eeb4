import type { ComponentChildren } from 'preact'

// Messages a person must notice: an error is an alert (read out at once, and visible), anything else a status.

export function ErrorNotice({ children }: { children?: ComponentChildren }) {
  if (!children) return null
  return (
    <p class="notice error" role="alert">
      {children}
    </p>
  )
}

export function StatusNotice({ children }: { children?: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  )
}
