import type { Database } from 'bun:sqlite'
import type { SeriesPoint, StatsData, StatsDelta, StatsStore } from '../types'
import { openDatabase } from './open'

// Totals and the status page's time series in DATA_DIR/stats.sqlite, so they survive restarts. Counts are
// added (`value = value + ?`) rather than overwritten, the way replicas' counts add up in a shared store.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value REAL NOT NULL);
CREATE TABLE IF NOT EXISTS series (bucket INTEGER PRIMARY KEY, requests INTEGER NOT NULL, hits_exact INTEGER NOT NULL, hits_semantic INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`

export class SqliteStats implements StatsStore {
  private readonly statements
  private readonly since: number

  constructor(
    private readonly db: Database,
    now: () => number = Date.now
  ) {
    db.exec(SCHEMA)
    this.statements = {
      addTotal: db.query('INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value'),
      addPoint: db.query(
        `INSERT INTO series (bucket, requests, hits_exact, hits_semantic) VALUES (?, ?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET
           requests = requests + excluded.requests, hits_exact = hits_exact + excluded.hits_exact, hits_semantic = hits_semantic + excluded.hits_semantic`
      ),
      totals: db.query<{ name: string; value: number }, []>('SELECT name, value FROM totals'),
      points: db.query<{ bucket: number; requests: number; hits_exact: number; hits_semantic: number }, [number]>(
        'SELECT * FROM series WHERE bucket >= ? ORDER BY bucket'
      ),
      prune: db.query('DELETE FROM series WHERE bucket < ?'),
    }
    const since = db.query<{ value: string }, []>("SELECT value FROM meta WHERE name = 'since'").get()
    this.since = since ? Number(since.value) : now()
    // A full disk at start must not stop it: counting then starts now, and is written when space returns.
    if (!since) {
      try {
        db.query("INSERT INTO meta (name, value) VALUES ('since', ?)").run(String(this.since))
      } catch {}
    }
  }

  static open(path: string, log: (line: string) => void = () => {}, now?: () => number): SqliteStats {
    return new SqliteStats(openDatabase(path, log).db, now)
  }

  async add(delta: StatsDelta): Promise<void> {
    this.db.transaction(() => {
      for (const [name, by] of delta.totals) this.statements.addTotal.run(name, by)
      for (const [bucket, p] of delta.points) this.statements.addPoint.run(bucket, p.requests, p.hitsExact, p.hitsSemantic)
    })()
  }

  async read(fromBucket: number): Promise<StatsData> {
    const totals = new Map(this.statements.totals.all().map((row) => [row.name, row.value]))
    const points: SeriesPoint[] = this.statements.points
      .all(fromBucket)
      .map((row) => ({ bucket: row.bucket, requests: row.requests, hitsExact: row.hits_exact, hitsSemantic: row.hits_semantic }))
    return { totals, points, since: this.since }
  }

  async prune(beforeBucket: number): Promise<void> {
    this.statements.prune.run(beforeBucket)
  }

  async close(): Promise<void> {
    this.db.close()
  }
}
