import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ApiError, callApi, proxyBase, sessionKey } from '../ui/api'
import { ConnectSettings } from '../ui/connect-settings'
import { LangProvider, LanguageSwitch, useLang, type Translate } from '../ui/i18n'
import { BudgetCard } from './budget'
import { UsageFigures } from './figures'
import { KeyForm } from './key-form'
import { ModelsCard } from './models'
import type { Models, Usage } from './types'

// /me: a key holder's page (DESIGN §1.10). The pasted key reads GET /v1/usage and GET /v1/models (in a header,
// never a URL) and is kept in this tab's sessionStorage once the proxy accepted it.

const STORAGE = 'proxy-gpt.me-key'

async function modelsOf(key: string): Promise<Models> {
  try {
    const list = await callApi<{ data: Array<{ id: string }> }>('/v1/models', key)
    return { ids: list.data.map((m) => m.id).sort() }
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return { refused: error.message }
    return { failed: (error as Error).message }
  }
}

const refusal = (error: unknown, t: Translate) =>
  error instanceof ApiError && error.status === 401 ? `${t('This key was refused', '此密钥被拒绝')}: ${error.message}` : (error as Error).message

function Me() {
  const { t } = useLang()
  const [held, setHeld] = useState<string | null>(() => sessionKey.get(STORAGE))
  const [view, setView] = useState<{ key: string; usage: Usage; models: Models } | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const show = async (key: string) => {
    setBusy(true)
    setError('')
    try {
      const [usage, models] = await Promise.all([callApi<Usage>('/v1/usage', key), modelsOf(key)])
      sessionKey.set(STORAGE, key)
      setHeld(key)
      setView({ key, usage, models })
    } catch (e) {
      setView(null)
      if (e instanceof ApiError && e.status === 401) forget()
      setError(refusal(e, t))
    } finally {
      setBusy(false)
    }
  }
  const forget = () => {
    sessionKey.set(STORAGE, null)
    setHeld(null)
    setView(null)
  }
  useEffect(() => {
    if (held) void show(held)
  }, [])

  const firstModel = view && 'ids' in view.models ? view.models.ids[0] : undefined
  return (
    <>
      <header class="top">
        <h1>{t('Your proxy key', '你的代理密钥')}</h1>
        <LanguageSwitch />
      </header>
      <main>
        <KeyForm initial={held ?? ''} busy={busy} error={error} held={held !== null} onShow={show} onForget={forget} />
        {view && (
          <>
            <BudgetCard usage={view.usage} />
            <UsageFigures usage={view.usage} />
            <ModelsCard models={view.models} />
            <section class="card" id="connect">
              <ConnectSettings origin={proxyBase()} apiKey={view.key} model={firstModel} />
            </section>
          </>
        )}
      </main>
    </>
  )
}

render(
  <LangProvider>
    <Me />
  </LangProvider>,
  document.getElementById('app')!
)
