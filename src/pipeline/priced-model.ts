import { UpstreamPool } from '../upstream/pool'

// Prices are kept by the names providers use (`deepseek-chat`, `claude-sonnet-4-5`), not by a client-facing
// alias (`fast`): a model is priced by the name its upstream knows it by, after that upstream's model_map.
// Which upstream answers is known only after the call; before it (the budget's estimate, a cache hit) the
// first that serves the model stands for it: the best priority, then the order of the file. Nothing here
// moves the pool's rotation on.

/** The name `model` is priced by: `upstream`'s for it (the one that answered), or the first serving upstream's. */
export function pricedModel(pool: UpstreamPool, model: string, upstream?: string): string {
  const answered = upstream === undefined ? undefined : pool.upstreams.find((u) => u.name === upstream)
  const serving = answered ?? firstServing(pool, model)
  return serving ? UpstreamPool.upstreamModel(serving, model) : model
}

function firstServing(pool: UpstreamPool, model: string) {
  let first: UpstreamPool['upstreams'][number] | undefined
  for (const u of pool.upstreams) if (u.serves(model) && (!first || u.priority < first.priority)) first = u
  return first
}
