import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../../../src/state/sqlite/open'

const dir = () => mkdtempSync(join(tmpdir(), 'proxy-gpt-open-'))

describe('openDatabase', () => {
  test('a sound file is opened as it is, in WAL mode', () => {
    const path = join(dir(), 'a.sqlite')
    const first = openDatabase(path, () => {})
    first.db.run('CREATE TABLE t (x)')
    first.db.run('INSERT INTO t VALUES (1)')
    first.db.close()
    const lines: string[] = []
    const again = openDatabase(path, (l) => void lines.push(l))
    expect(again.movedAside).toBeUndefined()
    expect(again.db.query('SELECT x FROM t').get()).toEqual({ x: 1 })
    expect(again.db.query('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    expect(lines).toEqual([])
  })

  test('a damaged file is moved aside with the time, a fresh one made, one line logged', () => {
    const folder = dir()
    const path = join(folder, 'b.sqlite')
    writeFileSync(path, Buffer.alloc(8192, 7))
    writeFileSync(`${path}-wal`, Buffer.alloc(100, 1))
    const lines: string[] = []
    const opened = openDatabase(path, (l) => void lines.push(l), new Date('2026-12-01T09:30:15.123Z'))
    expect(opened.movedAside).toBe(`${path}.corrupt-20261201T093015Z`)
    // Whatever WAL the damaged file had went with it (or was discarded by SQLite): none is left beside the fresh one.
    expect(readdirSync(folder).filter((f) => !f.startsWith('b.sqlite.corrupt-')).sort()).toEqual(['b.sqlite'])
    expect(readdirSync(folder)).toContain('b.sqlite.corrupt-20261201T093015Z')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^b\.sqlite was damaged \(.+\); moved aside to b\.sqlite\.corrupt-20261201T093015Z, starting with an empty one$/)
    opened.db.run('CREATE TABLE t (x)')
    expect(opened.db.query('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 })
  })

  test('the folder stays as it was when a fresh file cannot be made', () => {
    expect(() => openDatabase('/proc/definitely/not/here.sqlite', () => {})).toThrow()
  })
})

test('SQLite reports a full database as SQLITE_FULL (what the cache and the statistics log)', () => {
  const db = new Database(':memory:')
  db.run('PRAGMA max_page_count = 2')
  db.run('CREATE TABLE t (x)')
  let code: string | undefined
  try {
    for (let i = 0; i < 100; i++) db.run('INSERT INTO t VALUES (?)', ['x'.repeat(4000)])
  } catch (error) {
    code = (error as { code?: string }).code
  }
  expect(code).toBe('SQLITE_FULL')
})
