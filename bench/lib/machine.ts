import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg, release } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './proc'

export interface Machine {
  cpu: string
  cores: number
  mhz: string
  cache: string
  simd: string
  virtualized: boolean
  memTotalGiB: number
  memAvailableGiB: number
  os: string
  kernel: string
  bun: string
  node: string
  versions: Record<string, string>
  loadAtStart: number[]
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

const field = (text: string, name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '?'

export function packageVersion(name: string): string {
  try {
    return JSON.parse(read(join(ROOT, 'node_modules', name, 'package.json'))).version ?? '?'
  } catch {
    return '?'
  }
}

export async function describeMachine(): Promise<Machine> {
  const cpuinfo = read('/proc/cpuinfo')
  const meminfo = read('/proc/meminfo')
  const kb = (name: string) => Number(/(\d+)/.exec(field(meminfo, name))?.[1] ?? 0)
  const flags = field(cpuinfo, 'flags').split(' ')
  const node = Bun.spawnSync(['node', '--version']).stdout.toString().trim()
  return {
    cpu: field(cpuinfo, 'model name'),
    cores: availableParallelism(),
    mhz: field(cpuinfo, 'cpu MHz'),
    cache: field(cpuinfo, 'cache size'),
    simd: ['sse4_2', 'avx', 'avx2', 'f16c', 'fma', 'avx512f', 'avx512_vnni', 'avx512_fp16'].filter((f) => flags.includes(f)).join(' '),
    virtualized: flags.includes('hypervisor'),
    memTotalGiB: kb('MemTotal') / 2 ** 20,
    memAvailableGiB: kb('MemAvailable') / 2 ** 20,
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(read('/etc/os-release'))?.[1] ?? process.platform,
    kernel: release(),
    bun: Bun.version,
    node,
    versions: {
      autocannon: packageVersion('autocannon'),
      usearch: packageVersion('usearch'),
      '@portkey-ai/gateway': packageVersion('@portkey-ai/gateway'),
      elysia: packageVersion('elysia'),
    },
    loadAtStart: loadavg(),
  }
}
