import { describe, expect, test } from 'bun:test'
import { addressNetwork, clientAddress } from '../../../src/auth/client-address'

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

describe('addressNetwork: who failed, for counting wrong keys', () => {
  test('an IPv4 address is itself, also when a dual-stack socket maps it into IPv6', () => {
    expect(addressNetwork('203.0.113.9')).toBe('203.0.113.9')
    expect(addressNetwork('::ffff:203.0.113.9')).toBe('203.0.113.9')
    expect(addressNetwork('::FFFF:203.0.113.9')).toBe('203.0.113.9')
  })

  test('an IPv6 address is its /64, however it is written', () => {
    const net = '2001:db8:0:1::/64'
    expect(addressNetwork('2001:db8:0:1::1')).toBe(net)
    expect(addressNetwork('2001:0db8:0000:0001:ffff:eeee:dddd:cccc')).toBe(net)
    expect(addressNetwork('2001:DB8::1:0:0:0:7')).toBe('2001:db8:0:1::/64')
    expect(addressNetwork('2001:db8:0:1:a:b:c:d%eth0')).toBe(net)
    expect(addressNetwork('2001:db8:0:2::1')).not.toBe(net)
    expect(addressNetwork('::1')).toBe('0:0:0:0::/64')
    expect(addressNetwork('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64')
    expect(addressNetwork('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64')
  })

  test('anything else (an empty socket address in tests) is kept as it is', () => {
    expect(addressNetwork('')).toBe('')
    expect(addressNetwork('not-an-address')).toBe('not-an-address')
  })
})
