import { MemoryKeyHealth } from '../../src/state/memory/key-health'
import { keyHealthContract } from './suites/key-health'

keyHealthContract('MemoryKeyHealth', async () => ({ store: new MemoryKeyHealth(), close: async () => {} }))
