import { KEY_NAME, MIN_KEY_LENGTH, readKeySettings, SETTING_FIELDS, type KeyConfig } from './key-settings'
import { shownName } from './upstreams'

// The `keys:` section of the config file: named proxy keys, each with its own settings. Checked at start
// with every problem listed; a key is named by its name (or its position), never quoted.

const FIELDS = new Set<string>(['name', 'key', ...SETTING_FIELDS])

export function readKeys(section: unknown, source: string, problems: string[]): KeyConfig[] {
  if (!Array.isArray(section) || section.length === 0) {
    problems.push(`${source}: keys: must be a list of keys (name, key, …)`)
    return []
  }
  const keys: KeyConfig[] = []
  const names = new Set<string>()
  const values = new Map<string, string>()
  section.forEach((raw, i) => {
    const at = `${source}: keys[${i}]`
    const before = problems.length
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return void problems.push(`${at} must be a mapping`)
    const entry = raw as Record<string, unknown>
    for (const field of Object.keys(entry)) if (!FIELDS.has(field)) problems.push(`${at}: unknown field ${shownName(field)}`)
    const name = entry.name
    if (typeof name !== 'string' || !KEY_NAME.test(name)) problems.push(`${at}.name must be letters, digits, - and _ (at most 64)`)
    else if (names.has(name)) problems.push(`${at}.name "${name}" is used twice`)
    else names.add(name)
    const label = typeof name === 'string' && KEY_NAME.test(name) ? `${source}: key "${name}"` : at
    const key = typeof entry.key === 'string' ? entry.key.trim() : ''
    if (!key) problems.push(`${label}: key is required (write "\${SOME_VARIABLE}" and set it in the environment)`)
    else if (key.length < MIN_KEY_LENGTH) problems.push(`${label}: key must be at least ${MIN_KEY_LENGTH} characters`)
    else if (values.has(key)) problems.push(`${label}: its key is the same as key "${values.get(key)}"'s`)
    else values.set(key, String(name))
    const settings = readKeySettings(entry, label, problems)
    if (problems.length === before && settings) keys.push({ name: name as string, key, settings })
  })
  return keys
}
