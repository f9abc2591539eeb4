import { clientSetups, proxyRoot, type OneClick, type Translate } from './connect'
import { CopyField } from './copy'
import { useLang } from './i18n'

// How to connect each client to this proxy with `apiKey` (DESIGN §1.10): the console shows it under a newly
// made key, /me under the pasted one. `origin` is the proxy's public URL as the browser sees it (on a Hugging
// Face Space, the *.hf.space address). The values come from connect.ts; a one-click link says what it does
// with the key before anyone clicks it.

function linkNote(link: OneClick, name: string, t: Translate): string {
  const host = link.keyIn === 'app' ? '' : new URL(link.href).host
  if (link.keyIn === 'fragment') {
    return t(
      `The link carries your key after its #, which the browser does not send to ${host}; ${name} asks before it saves it.`,
      `链接在 # 之后带着你的密钥，浏览器不会把这部分发给 ${host}；${name} 保存前会先询问。`
    )
  }
  if (link.keyIn === 'query') {
    return t(
      `The link carries your key in its address, which is sent to ${host}'s server: use it only if you trust that site.`,
      `链接的地址里带着你的密钥，会发送到 ${host} 的服务器：只在你信任该网站时使用。`
    )
  }
  return t(`The link carries your key to the ${name} app on this computer, which asks before it adds it.`, `链接把你的密钥交给本机的 ${name} 应用，它添加前会先询问。`)
}

export function ConnectSettings({ origin, apiKey, model }: { origin: string; apiKey: string; model?: string }) {
  const { t } = useLang()
  const root = proxyRoot(origin)
  return (
    <div class="connect">
      <h3>{t('How to connect', '如何连接')}</h3>
      <p class="muted">{t('Any OpenAI-compatible client takes these two values:', '任何兼容 OpenAI 的客户端都填这两项：')}</p>
      <CopyField value={`${root}/v1`} label={t('base URL', '接口地址')} />
      <CopyField value={apiKey} label={t('key', '密钥')} />
      <p class="muted">{t('Each client wants them in its own place and form:', '各客户端填写的位置和格式不同：')}</p>
      {clientSetups(root, apiKey, t, { model }).map((client) => (
        <details class="client" key={client.id} data-client={client.id}>
          <summary>{client.name}</summary>
          <p class="muted">{client.how}</p>
          {client.values.map((value) => (
            <div class="setting" key={value.label}>
              <span class="label">{value.label}</span>
              <CopyField value={value.value} label={value.label} />
            </div>
          ))}
          {client.link && (
            <p class="one-click">
              <a href={client.link.href} {...(client.link.keyIn === 'app' ? {} : { target: '_blank', rel: 'noopener noreferrer' })}>
                {t(`Open in ${client.name}`, `在 ${client.name} 中打开`)}
              </a>{' '}
              <span class="muted">{linkNote(client.link, client.name, t)}</span>
            </p>
          )}
        </details>
      ))}
    </div>
  )
}
