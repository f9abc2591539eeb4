// The "Machine" section: what the numbers were measured on, and why only ratios within one run compare.

import { f1, f2 } from './format'
import type { RunResults } from './results'

export function machineSection(r: RunResults): string {
  const m = r.machine
  return `## Machine

| | |
|---|---|
| CPU | ${m.cpu}, ${m.cores} cores (\`nproc\`), ${m.mhz} MHz, ${m.cache} cache${m.virtualized ? ', virtual machine' : ''} |
| SIMD | ${m.simd || '–'} |
| Memory | ${f1(m.memTotalGiB)} GiB, ${f1(m.memAvailableGiB)} GiB available at start |
| OS | ${m.os}, Linux ${m.kernel} |
| Runtimes | Bun ${m.bun} (servers, orchestrator, probes), Node ${m.node} (autocannon) |
| Packages | ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')} |
| Load average | ${m.loadAtStart.map(f2).join(' ')} at start, ${(r.loadAtEnd ?? []).map(f2).join(' ')} at the end |

The load generator and every server run on these same ${m.cores} cores, on a shared machine whose other
tenants come and go. Absolute numbers move from run to run; **compare ratios within one run**.`
}
