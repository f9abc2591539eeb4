import { MemoryRateLimits } from '../../src/state/memory/rate-limits'
import { rateLimitContract } from './suites/rate-limits'

rateLimitContract('MemoryRateLimits', async () => ({ store: new MemoryRateLimits(), close: async () => {} }))
