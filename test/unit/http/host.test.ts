import { describe, expect, test } from 'bun:test'
import { isValidHost } from '../../../src/http/host'

describe('isValidHost', () => {
  test('host names, IPv4 and bracketed IPv6 addresses, with or without a port up to 65535', () => {
    for (const host of [
      'example.com',
      'example.com:443',
      'x',
      '127.0.0.1:8080',
      'localhost:0',
      'localhost:65535',
      'a_b-c~d.example',
      'my%20host',
      'example.com:',
      '[::1]',
      '[::1]:8080',
      '[2001:db8::7]:80',
      '[::ffff:192.0.2.1]',
      '[v1.fe80::a+en1]',
      // An empty reg-name is a valid uri-host (RFC 9112 §3.2 even asks for it when there is no authority).
      '',
    ]) {
      expect({ host, valid: isValidHost(host) }).toEqual({ host, valid: true })
    }
  })

  test('spaces, broken brackets, ports out of range or not digits, characters outside a reg-name', () => {
    for (const host of [
      'a b',
      'exa mple.com:99999',
      'example.com:99999',
      'example.com:65536',
      'example.com:123456',
      'example.com:abc',
      'example.com:-1',
      '[::1',
      '[::1]x',
      '[::1]:99999',
      '[not-an-address]',
      '[::1%eth0]',
      '::1',
      'a:b:c',
      'ex@mple.com',
      'a/b',
      'a?b',
      'a#b',
      'bad%zzescape',
      'é.example',
      'a\tb',
      // Two Host lines, as Bun joins them.
      'a.example, b.example',
    ]) {
      expect({ host, valid: isValidHost(host) }).toEqual({ host, valid: false })
    }
  })
})
