import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import { ApiError, callApi, type CallOptions } from '../ui/api'

// The signed-in owner's calls to the admin API (DESIGN §1.10: the console does nothing the API cannot). A 401
// means the admin key changed (or was wrong): the console signs out and says so.

export interface Admin {
  call<T>(path: string, options?: CallOptions): Promise<T>
}

export const AdminContext = createContext<Admin | null>(null)

/** The admin API of the signed-in owner. */
export function useAdmin(): Admin {
  const admin = useContext(AdminContext)
  if (!admin) throw new Error('useAdmin outside the signed-in console')
  return admin
}

export function adminFor(adminKey: string, onRefused: (error: ApiError) => void): Admin {
  return {
    async call<T>(path: string, options?: CallOptions) {
      try {
        return await callApi<T>(path, adminKey, options)
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) onRefused(error)
        throw error
      }
    },
  }
}
