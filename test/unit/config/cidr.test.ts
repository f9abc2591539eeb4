import { describe, expect, test } from 'bun:test'
import { cidrMatcher, cidrProblem } from '../../../src/config/cidr'

// A key's `ips:` allowlist (DESIGN §1.2): IPv4 and IPv6 ranges and single addresses; an IPv4 client seen
// through a dual-stack socket as ::ffff:a.b.c.d is the IPv4 address it is.

describe('cidrProblem: what `ips:` accepts', () => {
  test.each([
    '203.0.113.0/24',
    '198.51.100.7',
    '0.0.0.0/0',
    '203.0.113.9/32',
    '2001:db8::/32',
    '2001:db8::1',
    '::/0',
    '2001:db8::1/128',
    '::ffff:203.0.113.0/120',
    ' 203.0.113.0/24 ',
  ])('%p is a range or an address (and the matcher takes it)', (value) => {
    expect(cidrProblem(value)).toBeUndefined()
    expect(() => cidrMatcher([value])).not.toThrow()
  })

  test.each([
    ['an IPv4 prefix over 32', '203.0.113.0/33'],
    ['an IPv6 prefix over 128', '2001:db8::/129'],
    ['a negative prefix', '203.0.113.0/-1'],
    ['an empty prefix', '203.0.113.0/'],
    ['a prefix that is not a number', '203.0.113.0/abc'],
    ['a prefix with a sign', '203.0.113.0/+8'],
    ['a prefix in exponent form', '203.0.113.0/1e1'],
    ['a prefix with a space', '203.0.113.0/ 24'],
  ])('%s has a bad prefix length', (_name, value) => {
    expect(cidrProblem(value)).toBe(`"${value}" has a bad prefix length`)
  })

  test.each([
    ['a word', 'office'],
    ['an empty string', ''],
    ['only a prefix', '/24'],
    ['two slashes', '203.0.113.0/24/8'],
    ['an octet over 255', '256.1.1.1'],
    ['three octets', '203.0.113'],
    ['a leading zero (octal to some readers)', '01.2.3.4'],
    ['a host name', 'example.com'],
    ['a bad IPv6 address', '2001:db8:::1'],
    ['a range written with a dash', '203.0.113.1-203.0.113.9'],
  ])('%s is not an address or range', (_name, value) => {
    expect(cidrProblem(value)).toBe(`"${value}" is not an address or CIDR range`)
  })

  test.each([[42], [null], [undefined], [['203.0.113.0/24']], [{ cidr: '203.0.113.0/24' }]])('%p (not a string) is refused', (value) => {
    expect(cidrProblem(value)).toBe('must be a string like "203.0.113.0/24"')
  })
})

describe('cidrMatcher', () => {
  test('an IPv4 range: every address inside, none outside', () => {
    const allowed = cidrMatcher(['203.0.113.0/24'])
    for (const inside of ['203.0.113.0', '203.0.113.9', '203.0.113.255']) expect(allowed(inside)).toBe(true)
    for (const outside of ['203.0.112.255', '203.0.114.0', '198.51.100.7', '10.0.0.1']) expect(allowed(outside)).toBe(false)
  })

  test('prefix lengths at their limits: /0 is every IPv4 address, /32 one address', () => {
    expect(cidrMatcher(['0.0.0.0/0'])('198.51.100.7')).toBe(true)
    expect(cidrMatcher(['0.0.0.0/0'])('255.255.255.255')).toBe(true)
    const one = cidrMatcher(['198.51.100.7/32'])
    expect(one('198.51.100.7')).toBe(true)
    expect(one('198.51.100.8')).toBe(false)
    const wide = cidrMatcher(['10.0.0.0/8'])
    expect(wide('10.255.1.2')).toBe(true)
    expect(wide('11.0.0.0')).toBe(false)
  })

  test('a single IPv4 address matches only itself', () => {
    const allowed = cidrMatcher(['198.51.100.7'])
    expect(allowed('198.51.100.7')).toBe(true)
    expect(allowed('198.51.100.6')).toBe(false)
    expect(allowed('198.51.100.70')).toBe(false)
  })

  test('an IPv6 range, and /128 as one address', () => {
    const allowed = cidrMatcher(['2001:db8::/32'])
    expect(allowed('2001:db8::1')).toBe(true)
    expect(allowed('2001:db8:ffff:1::5')).toBe(true)
    expect(allowed('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe(true)
    expect(allowed('2001:db9::1')).toBe(false)
    expect(allowed('::1')).toBe(false)
    const one = cidrMatcher(['2001:db8::1/128'])
    expect(one('2001:db8::1')).toBe(true)
    expect(one('2001:db8::2')).toBe(false)
  })

  test('a single IPv6 address matches itself, however it is written', () => {
    const allowed = cidrMatcher(['2001:db8::7'])
    expect(allowed('2001:db8::7')).toBe(true)
    expect(allowed('2001:DB8:0:0:0:0:0:7')).toBe(true)
    expect(allowed('2001:db8::8')).toBe(false)
  })

  test('an IPv4-mapped IPv6 client address matches the IPv4 range it belongs to', () => {
    const allowed = cidrMatcher(['203.0.113.0/24'])
    expect(allowed('::ffff:203.0.113.9')).toBe(true)
    expect(allowed('::FFFF:203.0.113.9')).toBe(true)
    expect(allowed('::ffff:198.51.100.7')).toBe(false)
    expect(cidrMatcher(['198.51.100.7'])('::ffff:198.51.100.7')).toBe(true)
  })

  test('an IPv4 range does not let IPv6 addresses in, nor an IPv6 range IPv4 ones it does not cover', () => {
    expect(cidrMatcher(['0.0.0.0/0'])('2001:db8::1')).toBe(false)
    expect(cidrMatcher(['2001:db8::/32'])('203.0.113.9')).toBe(false)
  })

  test('several entries: any of them lets the address in', () => {
    const allowed = cidrMatcher(['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'])
    expect(allowed('203.0.113.50')).toBe(true)
    expect(allowed('2001:db8::99')).toBe(true)
    expect(allowed('198.51.100.7')).toBe(true)
    expect(allowed('198.51.100.8')).toBe(false)
  })

  test('entries written with spaces around them still match', () => {
    expect(cidrMatcher([' 203.0.113.0/24 '])('203.0.113.9')).toBe(true)
  })

  test('what is not an address (an empty or garbled client address) is never let in', () => {
    const allowed = cidrMatcher(['0.0.0.0/0', '::/0'])
    for (const odd of ['', 'unknown', '203.0.113', '::ffff:', '203.0.113.9:443', 'localhost']) expect(allowed(odd)).toBe(false)
  })
})
