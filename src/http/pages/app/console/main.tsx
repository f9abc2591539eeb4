import { render } from 'preact'
import { useMemo, useState } from 'preact/hooks'
import { sessionKey } from '../ui/api'
import { LangProvider, LanguageSwitch, useLang } from '../ui/i18n'
import { AdminContext, adminFor } from './admin'
import { CacheSection } from './cache'
import { KeysSection } from './keys'
import { SignIn } from './sign-in'
import { UpstreamsSection } from './upstreams'

// /console: the owner's console (DESIGN §1.10). Signed in with ADMIN_KEY, kept in sessionStorage for this tab.

const STORAGE = 'proxy-gpt.admin-key'

function Console() {
  const { t } = useLang()
  const [adminKey, setAdminKey] = useState<string | null>(() => sessionKey.get(STORAGE))
  const [message, setMessage] = useState<string>()
  const signIn = (key: string | null, why?: string) => {
    sessionKey.set(STORAGE, key)
    setAdminKey(key)
    setMessage(why)
  }
  const admin = useMemo(
    () => (adminKey ? adminFor(adminKey, (error) => signIn(null, `${t('Wrong admin key', '管理密钥不正确')}: ${error.message}`)) : null),
    [adminKey]
  )
  return (
    <>
      <header class="top">
        <h1>{t('proxy-gpt console', 'proxy-gpt 控制台')}</h1>
        {admin && (
          <nav aria-label={t('Sections', '栏目')}>
            <a href="#keys">{t('Keys', '密钥')}</a>
            <a href="#upstreams">{t('Upstreams', '上游')}</a>
            <a href="#cache">{t('Cache', '缓存')}</a>
          </nav>
        )}
        <LanguageSwitch />
        {admin && (
          <button type="button" onClick={() => signIn(null)}>
            {t('Sign out', '退出')}
          </button>
        )}
      </header>
      <main>
        {admin ? (
          <AdminContext.Provider value={admin}>
            <KeysSection />
            <UpstreamsSection />
            <CacheSection />
          </AdminContext.Provider>
        ) : (
          <SignIn key={message} message={message} onSignedIn={(key) => signIn(key)} />
        )}
      </main>
    </>
  )
}

render(
  <LangProvider>
    <Console />
  </LangProvider>,
  document.getElementById('app')!
)
