import { useState } from 'preact/hooks'
import { useLang } from '../ui/i18n'
import { ErrorNotice } from '../ui/notice'

// The key holder pastes their key. It is kept for this tab (sessionStorage, by main.tsx) once the proxy has
// accepted it, so a reload shows the usage again; "Forget key" drops it from the tab.

export interface KeyFormProps {
  initial: string
  busy: boolean
  error: string
  held: boolean
  onShow(key: string): void
  onForget(): void
}

export function KeyForm({ initial, busy, error, held, onShow, onForget }: KeyFormProps) {
  const { t } = useLang()
  const [key, setKey] = useState(initial)
  const [empty, setEmpty] = useState(false)
  const submit = (event: Event) => {
    event.preventDefault()
    const trimmed = key.trim()
    setEmpty(!trimmed)
    if (trimmed) onShow(trimmed)
  }
  const forget = () => {
    setKey('')
    onForget()
  }
  return (
    <section class="card" id="key">
      <h2>{t('Your key', '你的密钥')}</h2>
      <form class="row" onSubmit={submit}>
        <label class="grow">
          {t('Your key', '你的密钥')}
          <input type="password" autocomplete="off" spellcheck={false} value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {t('Show usage', '显示用量')}
        </button>
        {held && (
          <button type="button" onClick={forget}>
            {t('Forget key', '忘记密钥')}
          </button>
        )}
      </form>
      <ErrorNotice>{empty ? t('Paste your proxy key first.', '请先粘贴你的代理密钥。') : error}</ErrorNotice>
      <p class="muted">
        {t(
          'The key is sent only to this proxy, in a header. It stays in this tab (sessionStorage) until you forget it or close the tab.',
          '密钥只在请求头里发给本代理，只保存在此标签页（sessionStorage）中，点「忘记密钥」或关闭标签页即清除。'
        )}
      </p>
    </section>
  )
}
