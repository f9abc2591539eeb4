import { MemoryInFlight } from '../../src/state/memory/in-flight'
import { inFlightContract } from './suites/in-flight'

inFlightContract('MemoryInFlight', async () => ({ store: new MemoryInFlight(), close: async () => {} }))
