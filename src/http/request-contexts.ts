import { RequestContext } from '../pipeline/context'

/**
 * The request contexts of one server: made by the server for each request and found by the routes from the
 * Request itself (Elysia's handle() takes nothing else). Requests handled without the server (app.handle
 * in tests) get a fresh one.
 */
export class RequestContexts {
  private readonly contexts = new WeakMap<Request, RequestContext>()
  // Request ids: 20 random hex digits for this server, then a count (unique here, and unlike another's).
  private readonly idPrefix = `req_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`
  private count = 0
  private readonly newId = () => this.idPrefix + (++this.count).toString(16).padStart(12, '0')

  begin(request: Request, ip: string): RequestContext {
    const ctx = new RequestContext(request, ip, performance.now(), this.newId)
    this.contexts.set(request, ctx)
    return ctx
  }

  of(request: Request): RequestContext {
    return this.contexts.get(request) ?? this.begin(request, '')
  }
}
