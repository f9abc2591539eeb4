import { describe, expect, test } from 'bun:test'
import { clientAddress } from '../../../src/auth/client-address'

const SOCKET = '203.0.113.9'

describe('clientAddress', () => {
  const xff = (value: string) => new Headers({ 'x-forwarded-for': value })
  const chain = '1.1.1.1, 2.2.2.2, 3.3.3.3'

  test('trustProxy 0 ignores X-Forwarded-For', () => {
    expect(clientAddress(xff(chain), SOCKET, 0)).toBe(SOCKET)
    expect(clientAddress(xff('1.1.1.1'), SOCKET, 0)).toBe(SOCKET)
  })

  test('trustProxy 1 takes the rightmost entry', () => {
    expect(clientAddress(xff(chain), SOCKET, 1)).toBe('3.3.3.3')
    expect(clientAddress(xff('9.9.9.9'), SOCKET, 1)).toBe('9.9.9.9')
    expect(clientAddress(xff('1.1.1.1,2.2.2.2 ,  3.3.3.3 '), SOCKET, 1)).toBe('3.3.3.3')
  })

  test('trustProxy 2 takes the second from the right', () => {
    expect(clientAddress(xff(chain), SOCKET, 2)).toBe('2.2.2.2')
  })

  test('trustProxy 3 takes the third from the right', () => {
    expect(clientAddress(xff(chain), SOCKET, 3)).toBe('1.1.1.1')
  })

  test('a chain shorter than trustProxy yields its leftmost entry', () => {
    expect(clientAddress(xff('4.4.4.4, 5.5.5.5'), SOCKET, 5)).toBe('4.4.4.4')
  })

  test('several X-Forwarded-For headers count as one list', () => {
    const headers = new Headers()
    headers.append('x-forwarded-for', '1.1.1.1')
    headers.append('x-forwarded-for', '2.2.2.2')
    expect(clientAddress(headers, SOCKET, 1)).toBe('2.2.2.2')
    expect(clientAddress(headers, SOCKET, 2)).toBe('1.1.1.1')
  })

  test('falls back to the socket address when the header is absent or empty', () => {
    expect(clientAddress(new Headers(), SOCKET, 1)).toBe(SOCKET)
    expect(clientAddress(new Headers(), SOCKET, 2)).toBe(SOCKET)
    expect(clientAddress(xff(''), SOCKET, 1)).toBe(SOCKET)
    expect(clientAddress(xff(' , ,'), SOCKET, 1)).toBe(SOCKET)
  })

  test('IPv6 entries are returned as written', () => {
    expect(clientAddress(xff('2001:db8::1, 2001:db8::2'), '::1', 1)).toBe('2001:db8::2')
  })
})
