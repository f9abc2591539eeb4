import { useState } from 'preact/hooks'
import { ApiError, callApi } from '../ui/api'
import { useLang } from '../ui/i18n'
import { ErrorNotice } from '../ui/notice'

// The owner signs in with ADMIN_KEY: checked against the admin API before the console opens.

export function SignIn({ onSignedIn, message }: { onSignedIn(adminKey: string): void; message?: string }) {
  const { t } = useLang()
  const [key, setKey] = useState('')
  const [error, setError] = useState(message ?? '')
  const [busy, setBusy] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    const adminKey = key.trim()
    if (!adminKey) return setError(t('Enter the admin key (ADMIN_KEY).', '请输入管理密钥（ADMIN_KEY）。'))
    setBusy(true)
    setError('')
    try {
      await callApi('/admin/keys', adminKey)
      onSignedIn(adminKey)
    } catch (e) {
      const refused = e instanceof ApiError && e.status === 401
      const off = e instanceof ApiError && e.status === 404
      setError(
        refused
          ? `${t('Wrong admin key', '管理密钥不正确')}: ${(e as ApiError).message}`
          : off
            ? t('The admin API is off: set ADMIN_KEY and restart the proxy.', '管理 API 未开启：请设置 ADMIN_KEY 并重启代理。')
            : (e as Error).message
      )
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="card signin">
      <h2>{t('Sign in', '登录')}</h2>
      <form class="row" onSubmit={submit}>
        <label>
          {t('Admin key', '管理密钥')}
          <input type="password" autocomplete="current-password" value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {t('Sign in', '登录')}
        </button>
      </form>
      <ErrorNotice>{error}</ErrorNotice>
      <p class="muted">{t('The key stays in this tab (sessionStorage) until you sign out or close it.', '密钥只保存在此标签页（sessionStorage）中，退出或关闭标签页即清除。')}</p>
    </section>
  )
}
