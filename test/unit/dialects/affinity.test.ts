import { describe, expect, test } from 'bun:test'
import { chatDialect, completionsDialect } from '../../../src/dialects/chat'
import { embeddingsDialect } from '../../../src/dialects/embeddings'
import { messagesDialect } from '../../../src/dialects/messages'
import { responsesDialect } from '../../../src/dialects/responses'

// The prompt prefix each dialect hands the pool for affinity (DESIGN §1.9): the instructions, the tools and
// the first user message, which every later turn of a conversation repeats; what comes after is left out.

const chat = (body: object) => chatDialect.affinityKey!(body as any)
const responses = (body: object) => responsesDialect.affinityKey!(body as any)
const messages = (body: object) => messagesDialect.affinityKey!(body as any)

describe('chat', () => {
  const system = { role: 'system', content: 'You are terse.' }
  const first = { role: 'user', content: 'Plan a trip to Lyon.' }
  const tools = [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }]

  test('the turns of a conversation share it: later messages are left out', () => {
    const turn1 = chat({ model: 'gpt-4o', messages: [system, first], tools })
    const turn3 = chat({ model: 'gpt-4o', messages: [system, first, { role: 'assistant', content: 'Sure.' }, { role: 'user', content: 'And hotels?' }], tools, temperature: 0.2 })
    expect(turn1).toBeString()
    expect(turn3).toBe(turn1)
  })

  test('another system prompt, other tools or another first message make another prefix', () => {
    const base = chat({ messages: [system, first], tools })
    expect(chat({ messages: [{ role: 'system', content: 'You are verbose.' }, first], tools })).not.toBe(base)
    expect(chat({ messages: [system, first] })).not.toBe(base)
    expect(chat({ messages: [system, { role: 'user', content: 'Plan a trip to Nice.' }], tools })).not.toBe(base)
  })
})

describe('Responses', () => {
  test('instructions, tools and the first user input; a string input is that message', () => {
    const one = responses({ instructions: 'Be brief.', input: 'Hello' })
    const later = responses({ instructions: 'Be brief.', input: [{ role: 'user', content: 'Hello' }, { role: 'assistant', content: 'Hi' }, { role: 'user', content: 'More' }] })
    expect(one).toBeString()
    expect(later).toBe(responses({ instructions: 'Be brief.', input: [{ role: 'user', content: 'Hello' }] })!)
    expect(responses({ instructions: 'Be long.', input: 'Hello' })).not.toBe(one)
  })
})

describe('Anthropic Messages', () => {
  test("the system prompt, tools and first user message; a cache breakpoint that moves on does not change it", () => {
    const system = [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }]
    const turn1 = messages({ system, messages: [{ role: 'user', content: [{ type: 'text', text: 'Fix the bug', cache_control: { type: 'ephemeral' } }] }] })
    const turn2 = messages({
      system,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Fix the bug' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Thanks', cache_control: { type: 'ephemeral' } }] },
      ],
    })
    expect(turn1).toBeString()
    expect(turn2).toBe(turn1)
    expect(messages({ system: 'Other', messages: [{ role: 'user', content: 'Fix the bug' }] })).not.toBe(turn1)
  })
})

test('embeddings and legacy completions have no prefix: they keep least-recently-used rotation', () => {
  expect(embeddingsDialect.affinityKey).toBeUndefined()
  expect(completionsDialect.affinityKey).toBeUndefined()
})
