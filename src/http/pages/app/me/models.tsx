import { useLang } from '../ui/i18n'
import type { Models } from './types'

// The models the key may use, as GET /v1/models answers it for the key. A key whose `allow` lacks the models
// group may not ask: that is said plainly, not shown as an error of the page.

export function ModelsCard({ models }: { models: Models }) {
  const { t } = useLang()
  return (
    <section class="card" id="models">
      <h2>{t('Models you may use', '可用模型')}</h2>
      {'refused' in models ? (
        <p>
          {t(
            'This key may not list models (its allowed endpoints leave out "models"); ask the owner which models it may use.',
            '此密钥不能列出模型（它允许的接口不含 "models"）；可用哪些模型请问密钥的主人。'
          )}{' '}
          <span class="muted">{models.refused}</span>
        </p>
      ) : 'failed' in models ? (
        <p>{t(`The models could not be listed: ${models.failed}`, `无法列出模型：${models.failed}`)}</p>
      ) : models.ids.length === 0 ? (
        <p>{t('No model is open to this key right now.', '目前没有此密钥可用的模型。')}</p>
      ) : (
        <ul class="models" aria-label={t('Models you may use', '可用模型')}>
          {models.ids.map((id) => (
            <li key={id}>
              <code>{id}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
