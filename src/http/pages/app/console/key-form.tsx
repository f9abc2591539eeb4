import { useMemo, useState } from 'preact/hooks'
import { useLang } from '../ui/i18n'
import { ErrorNotice } from '../ui/notice'
import { useAdmin } from './admin'
import {
  ALLOW_GROUPS,
  ALLOW_WORDS,
  BUDGET_PERIODS,
  changesOf,
  createBody,
  emptyForm,
  EXPIRY_CHOICES,
  formOf,
  type KeyForm as FormState,
  type KeyView,
} from './key-settings'

// The form that makes a key or edits one: every setting of DESIGN §1.2. An empty field leaves the setting
// to the proxy's default. The API checks every value; its refusal (a taken name, a bad pattern) is shown
// here as it says it, hence no min, step or required for the browser to refuse with words of its own.
// Labels hold no word of another field's label ("Name", "Budget", "Models"…), so each field is found by
// its own word alone.

export interface Made {
  name: string
  /** Only when a key was made: its value, this once. */
  key?: string
  /** A model the made key may use (its first pattern without a wildcard), for clients that need one named. */
  model?: string
}

const PERIOD_WORDS = { day: ['day', '每天'], week: ['week', '每周'], month: ['month', '每月'], total: ['total (never renews)', '总计（不重置）'] } as const

export function KeyForm({ editing, onDone, onCancel }: { editing?: KeyView; onDone(made: Made): void; onCancel(): void }) {
  const { t, lang } = useLang()
  const admin = useAdmin()
  const initial = useMemo(() => (editing ? formOf(editing) : emptyForm()), [editing])
  const [form, setForm] = useState<FormState>(initial)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const set = <K extends keyof FormState>(field: K) => (value: FormState[K]) => setForm((f) => ({ ...f, [field]: value }))
  const text = (field: 'name' | 'key' | 'rateLimit' | 'maxOutputTokens' | 'budgetAmount' | 'models' | 'cacheGroup' | 'expiresOn' | 'ips') => ({
    value: form[field],
    onInput: (e: { currentTarget: { value: string } }) => set(field)(e.currentTarget.value),
  })
  const toggle = (word: (typeof ALLOW_WORDS)[number], on: boolean) => set('allow')(on ? [...form.allow, word] : form.allow.filter((w) => w !== word))

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError('')
    try {
      if (editing) {
        const changes = changesOf(initial, form, Date.now())
        if (Object.keys(changes).length > 0) await admin.call(`/admin/keys/${encodeURIComponent(editing.name)}`, { method: 'PATCH', body: changes })
        setBusy(false)
        onDone({ name: editing.name })
      } else {
        const made = await admin.call<{ name: string; key: string; models?: string[] }>('/admin/keys', { method: 'POST', body: createBody(form, Date.now()) })
        setBusy(false)
        onDone({ name: made.name, key: made.key, model: made.models?.find((pattern) => !/[*?[]/.test(pattern)) })
      }
    } catch (e) {
      setBusy(false)
      setError((e as Error).message)
    }
  }

  const title = editing ? t(`Edit ${editing.name}`, `编辑 ${editing.name}`) : t('New key', '新建密钥')
  return (
    <form class="grid key-form" onSubmit={submit} aria-label={title} noValidate>
      <h3 class="wide">{title}</h3>
      {!editing && (
        <>
          <label>
            {t('Name', '名称')}
            <input {...text('name')} autocomplete="off" spellcheck={false} />
            <small>{t('letters, digits, - and _', '字母、数字、- 和 _')}</small>
          </label>
          <label>
            {t('Own key value (optional)', '自定义密钥值（可选）')}
            <input {...text('key')} autocomplete="off" spellcheck={false} />
            <small>{t('at least 16 characters; empty: one is made', '至少 16 个字符；留空则自动生成')}</small>
          </label>
        </>
      )}
      <label>
        {t('Rate limit', '速率限制')}
        <input type="number" step="any" inputMode="numeric" {...text('rateLimit')} />
        <small>{t('requests per minute; 0 = none; empty: the proxy default', '每分钟请求数；0 = 不限；留空：代理默认值')}</small>
      </label>
      <label>
        {t('Max output tokens', '最大输出 token 数')}
        <input type="number" step="any" inputMode="numeric" {...text('maxOutputTokens')} />
        <small>{t('per answer; 0 = no cap; empty: the proxy default', '每次回答；0 = 不限；留空：代理默认值')}</small>
      </label>
      <div class="wide row budget-fields">
        <label>
          {t('Budget', '预算')}
          <input type="number" step="any" inputMode="decimal" {...text('budgetAmount')} />
          <small>{t('empty: no limit', '留空：不限')}</small>
        </label>
        <label>
          {t('Unit', '单位')}
          <select value={form.budgetUnit} onChange={(e) => set('budgetUnit')(e.currentTarget.value as FormState['budgetUnit'])}>
            <option value="usd">USD</option>
            <option value="tokens">tokens</option>
          </select>
        </label>
        <label>
          {t('Period', '周期')}
          <select value={form.budgetPer} onChange={(e) => set('budgetPer')(e.currentTarget.value as FormState['budgetPer'])}>
            {BUDGET_PERIODS.map((per) => (
              <option value={per}>{t(PERIOD_WORDS[per][0], PERIOD_WORDS[per][1])}</option>
            ))}
          </select>
        </label>
      </div>
      <label class="wide">
        {t('Models', '模型')}
        <textarea rows={2} {...text('models')} spellcheck={false} placeholder="gpt-4o-mini, deepseek-*" />
        <small>{t('patterns, separated by commas or new lines (* matches anything); empty: every model', '模式，用逗号或换行分隔（* 匹配任意字符）；留空：全部可用')}</small>
      </label>
      <fieldset class="wide allow">
        <legend>{t('Endpoints it may call', '可调用的接口')}</legend>
        {ALLOW_WORDS.map((word) => (
          <label class="check" title={word}>
            <input type="checkbox" checked={form.allow.includes(word)} onChange={(e) => toggle(word, e.currentTarget.checked)} />
            {lang === 'zh' ? ALLOW_GROUPS[word][1] : ALLOW_GROUPS[word][0]}
          </label>
        ))}
      </fieldset>
      <label>
        {t('Cache sharing', '缓存共享')}
        <select value={form.cache} onChange={(e) => set('cache')(e.currentTarget.value as FormState['cache'])}>
          <option value="private">{t('private: this key only', '私有：仅此密钥')}</option>
          <option value="shared">{t('shared with every key', '与所有密钥共享')}</option>
          <option value="group">{t('a group of keys…', '密钥分组…')}</option>
        </select>
      </label>
      {form.cache === 'group' && (
        <label>
          {t('Group', '分组')}
          <input {...text('cacheGroup')} autocomplete="off" spellcheck={false} />
          <small>{t('keys of one group share answers', '同组密钥共享缓存的回答')}</small>
        </label>
      )}
      <label>
        {t('Expires', '过期时间')}
        <select value={form.expires} onChange={(e) => set('expires')(e.currentTarget.value as FormState['expires'])}>
          {EXPIRY_CHOICES.map(([choice, en, zh]) => (
            <option value={choice}>{t(en, zh)}</option>
          ))}
        </select>
      </label>
      {form.expires === 'date' && (
        <label>
          {t('Expiry date (UTC)', '过期日期（UTC）')}
          <input type="date" {...text('expiresOn')} />
        </label>
      )}
      <label class="wide">
        {t('IP ranges (CIDR)', 'IP 范围（CIDR）')}
        <textarea rows={1} {...text('ips')} spellcheck={false} placeholder="203.0.113.0/24" />
        <small>{t('separated by commas or spaces; empty: any address', '用逗号或空格分隔；留空：任意地址')}</small>
      </label>
      <div class="wide">
        <ErrorNotice>{error}</ErrorNotice>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {editing ? t('Save', '保存') : t('Create key', '创建密钥')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('Cancel', '取消')}
          </button>
        </div>
      </div>
    </form>
  )
}
