// How each client is pointed at this proxy (DESIGN §1.10, "how to connect"): from the proxy's public URL and
// a key, the values a person pastes into each client and, where the client documents one, a link that fills
// them in. Pure (no DOM, no JSX) so test/unit checks every client's URL and where the key lands.
//
// The clients disagree on the base URL: some want the proxy's root and add `/v1/...` themselves, others want
// the `/v1` URL an OpenAI SDK takes. Each entry says where its choice comes from.

/** The pages' translate function (ui/i18n.tsx), repeated as a type so this module imports nothing. */
export type Translate = (en: string, zh: string) => string

export interface SettingValue {
  label: string
  value: string
}

export interface OneClick {
  href: string
  /**
   * Where the link carries the key: in the fragment (never sent to the client's web server), in the query
   * (sent to it), or to an app installed on this computer.
   */
  keyIn: 'fragment' | 'query' | 'app'
}

export interface ClientSetup {
  id: string
  /** The client's own name: not translated. */
  name: string
  /** Where in the client the values go. */
  how: string
  values: SettingValue[]
  link?: OneClick
}

/** The proxy's public URL without a trailing slash; a path prefix (a reverse proxy's /gpt) is kept. */
export function proxyRoot(origin: string): string {
  return origin.trim().replace(/\/+$/, '')
}

/** A shell word: bare when it is plainly safe, else in single quotes. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`
}

/** Standard base64 of the UTF-8 text (btoa alone takes only Latin-1). */
function base64(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * Cherry Studio's `cherrystudio://providers/api-keys?v=1&data=` link (its protocol handler,
 * src/main/services/protocol/handlers/providersImport.ts in CherryHQ/cherry-studio): base64 of a JSON
 * provider, with `+` and `/` written `_` and `-`, which the handler turns back. The handler also turns `'`
 * into `"` and drops `(` and `)` before parsing, so a value holding any of them cannot travel this way.
 */
function cherryStudioLink(baseUrl: string, key: string): OneClick | undefined {
  const provider = JSON.stringify({ id: 'proxy-gpt', name: 'proxy-gpt', type: 'openai', baseUrl, apiKey: key })
  if (/['()]/.test(provider)) return undefined
  const data = base64(provider).replaceAll('+', '_').replaceAll('/', '-')
  return { href: `cherrystudio://providers/api-keys?v=1&data=${data}`, keyIn: 'app' }
}

/** Every client's settings for `key` on the proxy at `origin`; `model`, when known, goes where a client needs one. */
export function clientSetups(origin: string, key: string, t: Translate, { model }: { model?: string } = {}): ClientSetup[] {
  const root = proxyRoot(origin)
  const v1 = `${root}/v1`
  const apiKey = t('API key', 'API 密钥')
  const json = JSON.stringify
  return [
    {
      id: 'nextchat',
      name: 'NextChat',
      // NextChat joins its endpoint with "v1/chat/completions" (app/client/platforms/openai.ts), so it takes
      // the root. Its URL command `#/?settings={"key","url"}` (app/components/chat.tsx, useCommand under its
      // HashRouter) asks before it applies; the web app is the README's demo, app.nextchat.club.
      how: t(
        'Settings → Custom Endpoint: on, provider OpenAI; OpenAI Endpoint and OpenAI API Key.',
        '设置 → 自定义接口：开启，模型服务商 OpenAI；填写「接口地址」和「API Key」。'
      ),
      values: [
        { label: `NextChat ${t('OpenAI Endpoint', '接口地址')}`, value: root },
        { label: `NextChat ${apiKey}`, value: key },
      ],
      link: { href: `https://app.nextchat.club/#/?settings=${encodeURIComponent(json({ key, url: root }))}`, keyIn: 'fragment' },
    },
    {
      id: 'lobechat',
      name: 'LobeChat',
      // LobeChat's "Share settings via URL" (docs/self-hosting/advanced/settings-url-share): `?settings=` with
      // keyVaults.openai { apiKey, baseURL }, the baseURL with /v1 as an OpenAI SDK takes it. Only a query
      // form exists, so this link hands the key to lobehub.com's server.
      how: t(
        'Settings → AI Service Provider → OpenAI: API Key and API proxy address. A LobeChat of your own takes the same ?settings= link on its own address.',
        '设置 → AI 服务商 → OpenAI：填写 API Key 和 API 代理地址。自己部署的 LobeChat 在它自己的地址上接受同样的 ?settings= 链接。'
      ),
      values: [
        { label: `LobeChat ${t('API proxy address', 'API 代理地址')}`, value: v1 },
        { label: `LobeChat ${apiKey}`, value: key },
      ],
      link: { href: `https://lobehub.com/?settings=${encodeURIComponent(json({ keyVaults: { openai: { apiKey: key, baseURL: v1 } } }))}`, keyIn: 'query' },
    },
    {
      id: 'cherry-studio',
      name: 'Cherry Studio',
      // Cherry Studio's docs (settings → providers): "fill in the root address, Cherry Studio appends
      // /v1/chat/completions"; its formatApiHost adds /v1 to an address whose path names no version.
      how: t(
        'Settings → Model Provider → Add, type OpenAI; API Key and API Host, then Manage to pick models.',
        '设置 → 模型服务 → 添加，类型 OpenAI；填写 API 密钥和 API 地址，再点「管理」添加模型。'
      ),
      values: [
        { label: `Cherry Studio ${t('API Host', 'API 地址')}`, value: root },
        { label: `Cherry Studio ${apiKey}`, value: key },
      ],
      link: cherryStudioLink(root, key),
    },
    {
      id: 'chathub',
      name: 'ChatHub',
      // ChatHub's "API Host" (default https://api.openai.com) is fetched as `${host}/v1/chat/completions`
      // (chathub-dev/chathub, src/app/bots/chatgpt-api/index.ts): the root.
      how: t('Settings → ChatGPT → OpenAI API: API Key and API Host.', '设置 → ChatGPT → OpenAI API：填写 API Key 和 API Host。'),
      values: [
        { label: `ChatHub API Host`, value: root },
        { label: `ChatHub ${apiKey}`, value: key },
      ],
    },
    {
      id: 'openai-translator',
      name: 'openai-translator',
      // Its "API URL" (default https://api.openai.com) is joined with "API URL Path" (default
      // /v1/chat/completions), src/common/utils.ts: the root, and the path as it is.
      how: t('Settings → Default service provider OpenAI: API Key, API URL and API URL Path.', '设置 → 默认服务提供商 OpenAI：填写 API Key、API URL 和 API URL Path。'),
      values: [
        { label: `openai-translator API URL`, value: root },
        { label: `openai-translator API URL Path`, value: '/v1/chat/completions' },
        { label: `openai-translator ${apiKey}`, value: key },
      ],
    },
    {
      id: 'openai-sdk',
      name: t('OpenAI SDKs (Python, Node)', 'OpenAI SDK（Python、Node）'),
      // The SDKs' base URL is OpenAI's https://api.openai.com/v1: the /v1 URL.
      how: t('base_url / baseURL is the /v1 address.', 'base_url / baseURL 用带 /v1 的地址。'),
      values: [
        { label: 'Python', value: `from openai import OpenAI\n\nclient = OpenAI(base_url=${json(v1)}, api_key=${json(key)})` },
        { label: 'Node', value: `import OpenAI from 'openai'\n\nconst client = new OpenAI({ baseURL: ${json(v1)}, apiKey: ${json(key)} })` },
      ],
    },
    {
      id: 'claude-code',
      name: 'Claude Code',
      // Claude Code adds /v1/messages itself: the root, never /v1 (README, "Claude Code").
      how: t(
        'In the shell that starts claude: the root address, without /v1 (Claude Code adds /v1/messages).',
        '在启动 claude 的终端里设置：根地址，不带 /v1（Claude Code 自己加 /v1/messages）。'
      ),
      values: [
        {
          label: `Claude Code ${t('environment', '环境变量')}`,
          value: `export ANTHROPIC_BASE_URL=${shellWord(root)}\nexport ANTHROPIC_AUTH_TOKEN=${shellWord(key)}`,
        },
      ],
    },
    {
      id: 'codex',
      name: 'Codex',
      // Codex appends /responses to its provider's base_url: the /v1 URL (README, "Codex with a DeepSeek
      // upstream"). Its built-in openai provider cannot be redefined, hence a provider of our own.
      how: t(
        '~/.codex/config.toml (model_provider before any [table]), and the key in the environment variable it names.',
        '~/.codex/config.toml（model_provider 写在所有 [表] 之前），密钥放在它指定的环境变量里。'
      ),
      values: [
        {
          label: 'Codex config.toml',
          value: [
            model ? `model = ${json(model)}` : `# model = "${t('a model this key may use', '此密钥可用的模型')}"`,
            'model_provider = "proxy-gpt"',
            '',
            '[model_providers.proxy-gpt]',
            'name = "proxy-gpt"',
            `base_url = ${json(v1)}`,
            'env_key = "PROXY_GPT_KEY"',
            'wire_api = "responses"',
          ].join('\n'),
        },
        { label: `Codex ${t('environment', '环境变量')}`, value: `export PROXY_GPT_KEY=${shellWord(key)}` },
      ],
    },
  ]
}
