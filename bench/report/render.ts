// Renders bench/RESULTS.md from one run's numbers. Every number in it comes from that run; the verdicts are
// computed (targets.ts), and the explanations below them name the measured causes (causes.ts).

import { commandsSection } from './commands-section'
import { minutes } from './format'
import { machineSection } from './machine-section'
import { matrixSection } from './overhead-section'
import type { RunResults } from './results'
import { scaleSection } from './scale-section'
import { soakSection } from './soak-section'
import { targetsSection } from './targets-section'

export function renderReport(r: RunResults): string {
  const { matrix, scale, soak } = r.sections
  const parts = [
    `# proxy-gpt benchmark results`,
    `Written by \`${r.command}\` (bench/run.ts) on ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.quick ? 'quick' : 'full'} run, ` +
      `**${minutes(r.totalSeconds)}** end to end (${Object.entries(r.sectionSeconds).map(([k, v]) => `${k} ${minutes(v)}`).join(', ')}).` +
      (scale?.buildSeconds ? ` Of that, ${minutes(scale.buildSeconds)} built the scale data (once; later runs reuse bench/.data/).` : '') +
      (r.failure ? `\n\n> **The run did not finish:** ${r.failure.split('\n')[0]}` : ''),
    machineSection(r),
    targetsSection(r),
    matrix ? matrixSection(matrix) : '',
    scale ? scaleSection(scale) : '',
    soak ? soakSection(soak) : '',
    commandsSection(r),
  ]
  return `${parts.filter(Boolean).join('\n\n')}\n`
}
