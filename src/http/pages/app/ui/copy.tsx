import { useState } from 'preact/hooks'
import { useLang } from './i18n'

// A "Copy" button for a value shown on the page. The clipboard API needs a secure context (https or
// localhost); elsewhere the value is selected for the person to copy by hand.

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useLang()
  const [done, setDone] = useState<'copied' | 'select' | null>(null)
  const copy = async (event: Event) => {
    try {
      await navigator.clipboard.writeText(text)
      setDone('copied')
    } catch {
      const box = (event.currentTarget as HTMLElement).parentElement?.querySelector('code, textarea, input')
      if (box) getSelection()?.selectAllChildren(box)
      setDone('select')
    }
    setTimeout(() => setDone(null), 2000)
  }
  return (
    <button type="button" class="copy" aria-label={label ? `${t('Copy', '复制')} ${label}` : undefined} onClick={copy}>
      {done === 'copied' ? t('Copied', '已复制') : done === 'select' ? t('Selected: press Ctrl+C', '已选中：按 Ctrl+C 复制') : t('Copy', '复制')}
    </button>
  )
}

/** A value in a code box with its Copy button. */
export function CopyField({ value, label }: { value: string; label?: string }) {
  return (
    <div class="copy-field">
      <code>{value}</code>
      <CopyButton text={value} label={label} />
    </div>
  )
}
