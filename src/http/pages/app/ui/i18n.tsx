import { createContext, type ComponentChildren } from 'preact'
import { useContext, useEffect, useState } from 'preact/hooks'

// English and 中文 for the console and /me (DESIGN §1.10). Each string is written where it is shown, in both
// languages side by side — `t('Sign in', '登录')` — so a section and its words change together and no
// shared dictionary drifts. The choice is remembered in localStorage: a preference, never a secret.

export type Lang = 'en' | 'zh'

const STORAGE_KEY = 'proxy-gpt.lang'

/** The remembered choice, else the browser's language. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'zh') return saved
  } catch {
    // Storage refused (a private window with storage off): the browser's language decides.
  }
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en'
}

export type Translate = (en: string, zh: string) => string

interface LangState {
  lang: Lang
  setLang(lang: Lang): void
}

const LangContext = createContext<LangState>({ lang: 'en', setLang: () => {} })

export function LangProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang)
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
  }, [lang])
  const setLang = (next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next)
    } catch {
      // Not remembered, still switched.
    }
    setLangState(next)
  }
  return <LangContext.Provider value={{ lang, setLang }}>{children}</LangContext.Provider>
}

/** The current language and its translate function. */
export function useLang(): LangState & { t: Translate } {
  const state = useContext(LangContext)
  return { ...state, t: (en, zh) => (state.lang === 'zh' ? zh : en) }
}

/** The language control: it names the language it switches to, in that language. */
export function LanguageSwitch() {
  const { lang, setLang } = useLang()
  const other: Lang = lang === 'en' ? 'zh' : 'en'
  return (
    <button type="button" class="lang" lang={other === 'zh' ? 'zh-CN' : 'en'} onClick={() => setLang(other)}>
      {other === 'zh' ? '中文' : 'English'}
    </button>
  )
}
