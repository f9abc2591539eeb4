import { describe, expect, test } from 'bun:test'
import { API_GROUPS, PASSTHROUGH_GROUPS } from '../../../../src/openai/endpoints'
import { openaiChat } from '../../../../src/upstream/providers/openai-chat'

// The error bodies as these providers send them (their error-code pages; DashScope's compatible mode wraps its
// codes in OpenAI's envelope).
const deepseek = {
  balance: '{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}',
  auth: '{"error":{"message":"Authentication Fails, Your api key: ****abcd is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}',
  limited: '{"error":{"message":"Rate Limit Reached","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}',
  busy: '{"error":{"message":"Server is busy, please try again later","type":"server_error","param":null,"code":"server_busy"}}',
  invalid: '{"error":{"message":"Failed to deserialize the JSON body into the target type","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}',
}
const dashscope = (code: string, message: string) => JSON.stringify({ error: { code, message, type: code, param: null }, request_id: 'f9fdb027' })
const qwen = {
  arrearage: dashscope('Arrearage', 'Access denied, please make sure your account is in good standing.'),
  overdue: dashscope('PrepaidBillOverdue', 'The prepaid bill is overdue.'),
  postpaid: dashscope('PostpaidBillOverdue', 'The postpaid bill is overdue.'),
  rate: dashscope('Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.'),
  allocation: dashscope('Throttling.AllocationQuota', 'Allocated quota exceeded, please increase your quota limit.'),
  // The per-minute token throttle in OpenAI's billing words: it clears within the minute.
  tpm: '{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}',
  freeTier: dashscope('AllocationQuota.FreeTierOnly', 'The free tier of the model has been exhausted.'),
  unpurchased: dashscope('AccessDenied.Unpurchased', 'Access to model denied. Please make sure you are eligible for using the model.'),
  notBought: dashscope('CommodityNotPurchased', 'Commodity has not purchased yet.'),
  denied: dashscope('AccessDenied', 'Access denied.'),
  invalidKey: dashscope('InvalidApiKey', 'Invalid API-key provided.'),
  parameter: dashscope('InvalidParameter', 'Required parameter(s) missing or invalid, please check the request parameters.'),
  unavailable: dashscope('ModelUnavailable', 'Model is unavailable, please try again later.'),
}
const moonshot = {
  suspended: '{"error":{"message":"Your account org-1<ak-1> is suspended, please check your plan and billing details","type":"exceeded_current_quota_error"}}',
  limited: '{"error":{"message":"Your account org-1<ak-1> request reached organization max RPM: 3","type":"rate_limit_reached_error"}}',
  overloaded: '{"error":{"message":"The engine is currently overloaded, please try again later","type":"engine_overloaded_error"}}',
}

describe('the openai-chat adapter', () => {
  const now = Date.parse('2026-12-01T10:00:00Z')

  // status, body, headers → verdict, and for `cool` how long the key rests.
  test.each([
    [200, '{"id":"chatcmpl-1"}', {}, 'answer', undefined],
    [404, '{"error":{"message":"Not Found"}}', {}, 'answer', undefined],
    [422, '{"error":{"message":"Invalid Parameters"}}', {}, 'answer', undefined],
    [413, 'too large', {}, 'answer', undefined],
    [400, deepseek.invalid, {}, 'answer', undefined],
    [400, qwen.parameter, {}, 'answer', undefined],
    // No money left: the key is set aside, whatever status says so.
    [402, deepseek.balance, {}, 'disable', undefined],
    [402, '{"error":{"message":"Insufficient credits","code":402}}', {}, 'disable', undefined],
    [400, qwen.arrearage, {}, 'disable', undefined],
    [429, qwen.overdue, {}, 'disable', undefined],
    [429, qwen.postpaid, {}, 'disable', undefined],
    [429, moonshot.suspended, {}, 'disable', undefined],
    [401, deepseek.auth, {}, 'disable', undefined],
    [401, qwen.invalidKey, {}, 'disable', undefined],
    [403, qwen.denied, {}, 'disable', undefined],
    // One model refused, not the key: it rests for that model.
    [403, qwen.freeTier, {}, 'cool', 5_000],
    [403, qwen.unpurchased, {}, 'cool', 5_000],
    [429, qwen.notBought, {}, 'cool', 5_000],
    // Rate limits.
    [429, deepseek.limited, {}, 'cool', 5_000],
    [429, deepseek.limited, { 'retry-after': '3' }, 'cool', 3_000],
    [429, qwen.rate, {}, 'cool', 5_000],
    [429, qwen.allocation, { 'retry-after-ms': '1500' }, 'cool', 1_500],
    [429, qwen.tpm, {}, 'cool', 5_000],
    [429, moonshot.limited, { 'x-ratelimit-reset-requests': '20s' }, 'cool', 20_000],
    [429, moonshot.overloaded, {}, 'cool', 5_000],
    [429, '', {}, 'cool', 5_000],
    // The upstream's own trouble: the next upstream.
    [503, deepseek.busy, {}, 'next', undefined],
    [503, qwen.unavailable, {}, 'next', undefined],
    [500, '{"error":{"message":"server error"}}', {}, 'next', undefined],
    [502, '<html>Bad gateway</html>', {}, 'next', undefined],
  ] as const)('%p %s %j → %s %p', async (status, body, headers, verdict, ms) => {
    const classified = await openaiChat.classify(new Response(body, { status, headers }))
    expect(classified.verdict).toBe(verdict)
    if (ms !== undefined) expect(openaiChat.coolDownMs(classified.response.headers, now)).toBe(ms)
  })

  test('a success and a 5xx come back unread; a refusal or a 400 is read and kept whole', async () => {
    const success = new Response('{"id":"chatcmpl-1"}', { status: 200 })
    expect((await openaiChat.classify(success)).response).toBe(success)
    expect(success.bodyUsed).toBe(false)
    const busy = new Response(deepseek.busy, { status: 503 })
    expect((await openaiChat.classify(busy)).response).toBe(busy)
    expect(busy.bodyUsed).toBe(false)

    for (const [status, body] of [[402, deepseek.balance], [400, deepseek.invalid]] as const) {
      const refusal = new Response(body, { status, statusText: 'Refused', headers: { 'x-request-id': 'req_1' } })
      const { response } = await openaiChat.classify(refusal)
      expect(response).not.toBe(refusal)
      expect([response.status, response.statusText, response.headers.get('x-request-id')]).toEqual([status, 'Refused', 'req_1'])
      expect(await response.text()).toBe(body)
    }
  })

  test('URLs and auth as for OpenAI: the path below base_url, the key as a Bearer token and nothing else', () => {
    expect(openaiChat.url('https://api.deepseek.com/v1', '/chat/completions')).toBe('https://api.deepseek.com/v1/chat/completions')
    expect(openaiChat.url('https://dashscope.aliyuncs.com/compatible-mode/v1', '/embeddings')).toBe('https://dashscope.aliyuncs.com/compatible-mode/v1/embeddings')
    const client = new Headers({ authorization: 'Bearer proxy-key', 'anthropic-version': '2023-06-01' })
    expect(openaiChat.authHeaders('sk-real', client)).toEqual({ authorization: 'Bearer sk-real' })
  })

  test('speaks chat, completions, embeddings and models: not Responses (translated), no pass-through group, no Messages', () => {
    expect([...openaiChat.speaks].sort()).toEqual(['chat', 'completions', 'embeddings', 'models'])
    expect(openaiChat.speaks.has('responses')).toBe(false)
    expect(openaiChat.speaks.has('messages')).toBe(false)
    for (const group of PASSTHROUGH_GROUPS) expect(openaiChat.speaks.has(group)).toBe(false)
    expect(API_GROUPS.filter((group) => openaiChat.speaks.has(group))).toEqual(['chat', 'completions', 'embeddings', 'models'])
  })

  test('its listing: GET /models, read as OpenAI shapes it', () => {
    expect(openaiChat.kind).toBe('openai-chat')
    expect(openaiChat.modelsPath).toBe('/models')
    const deepseekListing = { object: 'list', data: [{ id: 'deepseek-chat', object: 'model', owned_by: 'deepseek' }, { id: 'deepseek-reasoner', object: 'model', owned_by: 'deepseek' }] }
    expect(openaiChat.listedModels(deepseekListing)!.map((m) => m.id)).toEqual(['deepseek-chat', 'deepseek-reasoner'])
    expect(openaiChat.listedModels({ models: [] })).toBeUndefined()
  })
})
