import { useEffect, useRef, useState } from 'preact/hooks'
import { proxyBase } from '../ui/api'
import { CopyField } from '../ui/copy'
import { ConnectSettings } from '../ui/connect-settings'
import { useLang } from '../ui/i18n'
import { ErrorNotice, StatusNotice } from '../ui/notice'
import { useAdmin } from './admin'
import { KeyForm, type Made } from './key-form'
import { KeyRow } from './key-row'
import type { KeyView } from './key-settings'
import { KeyUsage } from './key-usage'

// The console's Keys section (DESIGN §1.10, issue 24 point 1): every named key with its limits, budget and
// last use; a form to make one (its value shown once) and to edit one; revoke, reset, and its usage chart.
// One form at a time, so each field's label names one control on the page.

type Open = { form: 'new' } | { form: 'edit'; name: string } | null

export function KeysSection() {
  const { t } = useLang()
  const admin = useAdmin()
  const [keys, setKeys] = useState<KeyView[] | null>(null)
  const [error, setError] = useState('')
  const [open, setOpen] = useState<Open>(null)
  const [chart, setChart] = useState<string | null>(null)
  const [made, setMade] = useState<(Made & { key: string }) | null>(null)

  const load = async () => {
    try {
      setKeys((await admin.call<{ data: KeyView[] }>('/admin/keys')).data)
      setError('')
    } catch (e) {
      setError((e as Error).message)
    }
  }
  useEffect(() => void load(), [])

  const done = (answer: Made) => {
    setOpen(null)
    if (answer.key) setMade({ ...answer, key: answer.key })
    void load()
  }
  const editing = open?.form === 'edit' ? open.name : null

  return (
    <section class="card" id="keys">
      <h2>{t('Keys', '密钥')}</h2>
      <div class="row">
        <button type="button" class="primary" aria-expanded={open?.form === 'new'} onClick={() => setOpen(open?.form === 'new' ? null : { form: 'new' })}>
          {t('New key', '新建密钥')}
        </button>
        <button type="button" onClick={() => void load()}>
          {t('Refresh', '刷新')}
        </button>
      </div>
      {made && <MadeKey made={made} onDismiss={() => setMade(null)} />}
      {open?.form === 'new' && <KeyForm onDone={done} onCancel={() => setOpen(null)} />}
      <ErrorNotice>{error}</ErrorNotice>
      {keys && keys.length === 0 && (
        <p class="muted">{t('No named keys yet. Keys of PROXY_KEY are not listed here.', '还没有命名密钥。PROXY_KEY 中的密钥不在此列出。')}</p>
      )}
      {keys && keys.length > 0 && (
        // Between a phone's width (stacked rows) and a desktop's, the table scrolls inside its card, not the page.
        <div class="scroll">
          <table class="stack keys">
            <thead>
              <tr>
                <th>{t('Name', '名称')}</th>
                <th>{t('Limits', '限制')}</th>
                <th>{t('Budget', '预算')}</th>
                <th>{t('Last used', '最近使用')}</th>
                <th>{t('Today', '今天')}</th>
                <th>{t('This month', '本月')}</th>
                <th>{t('Actions', '操作')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((view) => (
                <KeyRow
                  key={view.name}
                  view={view}
                  editing={editing === view.name}
                  charting={chart === view.name}
                  onEdit={() => setOpen(editing === view.name ? null : { form: 'edit', name: view.name })}
                  onChart={() => setChart(chart === view.name ? null : view.name)}
                  onChanged={() => void load()}
                  detail={
                    editing === view.name || chart === view.name ? (
                      <>
                        {editing === view.name && <KeyForm key={view.name} editing={view} onDone={done} onCancel={() => setOpen(null)} />}
                        {chart === view.name && <KeyUsage name={view.name} />}
                      </>
                    ) : null
                  }
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

/** A key just made: its value this once, to copy, with the settings a client needs. Dismissed, it is gone. */
function MadeKey({ made, onDismiss }: { made: Made & { key: string }; onDismiss(): void }) {
  const { t } = useLang()
  const heading = useRef<HTMLHeadingElement>(null)
  // The owner's eyes (and a screen reader) go to the key at once; on a phone the form above was long.
  useEffect(() => {
    heading.current?.focus()
    heading.current?.scrollIntoView?.({ block: 'nearest' })
  }, [made.key])
  return (
    <div class="made-key">
      <h3 tabIndex={-1} ref={heading}>
        {t(`Key “${made.name}” made`, `已创建密钥“${made.name}”`)}
      </h3>
      <StatusNotice>{t('Copy it now: it will not be shown again (only its hash is kept).', '请现在复制：它不会再次显示（只保存其哈希）。')}</StatusNotice>
      <CopyField value={made.key} />
      <details>
        <summary>{t('Client settings for this key', '此密钥的客户端设置')}</summary>
        <ConnectSettings origin={proxyBase()} apiKey={made.key} model={made.model} />
      </details>
      <button type="button" onClick={onDismiss}>
        {t('Done, hide the key', '完成，隐藏密钥')}
      </button>
    </div>
  )
}
