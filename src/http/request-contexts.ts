import { RequestContext } from '../pipeline/context'

/**
 * The request contexts of one server: made by the server for each request and found by the routes from the
 * Request itself (Elysia's handle() takes nothing else). Requests handled without the server (app.handle
 * in tests) get a fresh one.
 */
export class RequestContexts {
  private readonly contexts = new WeakMap<Request, RequestContext>()

  begin(request: Request, ip: string): RequestContext {
    const ctx = new RequestContext(request, ip)
    this.contexts.set(request, ctx)
    return ctx
  }

  of(request: Request): RequestContext {
    return this.contexts.get(request) ?? this.begin(request, '')
  }
}
