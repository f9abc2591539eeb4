import type { FlightClaim, FlightOutcome, InFlightStore } from '../types'

// In-flight sharing inside one process. The claim checks and registers without an await in between, so of
// identical requests arriving together exactly one leads, however the awaits before the claim interleave.

export class MemoryInFlight implements InFlightStore {
  private readonly flights = new Map<string, Promise<FlightOutcome>>()

  async claim(key: string): Promise<FlightClaim> {
    const running = this.flights.get(key)
    if (running) return { leader: false, outcome: running }
    let resolve!: (outcome: FlightOutcome) => void
    this.flights.set(key, new Promise<FlightOutcome>((r) => (resolve = r)))
    let settled = false
    return {
      leader: true,
      settle: async (outcome) => {
        if (settled) return
        settled = true
        this.flights.delete(key)
        resolve(outcome)
      },
    }
  }
}
