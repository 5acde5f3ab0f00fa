import { describe, expect, it } from 'vitest';
import { classifyAddress, parseIPv6 } from './address-policy';

const refused: [string, RegExp][] = [
  // IPv4
  ['0.0.0.0', /this network/],
  ['0.1.2.3', /this network/],
  ['10.0.0.1', /private/],
  ['10.255.255.255', /private/],
  ['100.64.0.1', /carrier-grade/],
  ['100.127.255.254', /carrier-grade/],
  ['127.0.0.1', /loopback/],
  ['127.255.255.254', /loopback/],
  ['169.254.169.254', /link-local/],
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.0.0.8', /IETF/],
  ['192.0.2.55', /documentation/],
  ['192.88.99.1', /6to4 relay/],
  ['192.168.1.1', /private/],
  ['198.18.0.1', /benchmarking/],
  ['198.19.255.255', /benchmarking/],
  ['198.51.100.7', /documentation/],
  ['203.0.113.9', /documentation/],
  ['224.0.0.1', /multicast/],
  ['239.255.255.250', /multicast/],
  ['240.0.0.1', /reserved/],
  ['255.255.255.255', /reserved/],
  // IPv6
  ['::', /unspecified/],
  ['::1', /loopback/],
  ['0:0:0:0:0:0:0:1', /loopback/],
  ['::ffff:127.0.0.1', /IPv4-mapped of loopback/],
  ['::ffff:7f00:1', /IPv4-mapped of loopback/],
  ['::FFFF:10.1.2.3', /IPv4-mapped of private/],
  ['::ffff:169.254.169.254', /IPv4-mapped of link-local/],
  ['::ffff:0:192.168.0.1', /IPv4-translated of private/],
  ['::127.0.0.1', /IPv4-compatible/],
  ['::8.8.8.8', /IPv4-compatible/],
  ['64:ff9b::127.0.0.1', /NAT64 of loopback/],
  ['64:ff9b::a00:1', /NAT64 of private/],
  ['64:ff9b:1::1', /local-use NAT64/],
  ['2002:7f00:1::1', /6to4 of loopback/],
  ['2002:c0a8:101::', /6to4 of private/],
  ['2001::1', /IETF/],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
  ['2001:2::1', /IETF/],
  ['2001:db8::1', /documentation/],
  ['3fff::1', /documentation/],
  ['5f00::1', /SRv6/],
  ['fc00::1', /unique local/],
  ['fd12:3456:789a::1', /unique local/],
  ['fe80::1', /link-local/],
  ['fe80::1%eth0', /link-local/],
  ['febf::1', /link-local/],
  ['fec0::1', /reserved/],
  ['ff02::1', /multicast/],
  ['ff05::1:3', /multicast/],
  ['100::1', /reserved/],
  ['1::', /reserved/],
  ['4000::1', /reserved/],
  // Not addresses at all
  ['localhost', /not an IP/],
  ['', /not an IP/],
  ['127.1', /not an IP/],
  ['2130706433', /not an IP/],
  ['0x7f.0.0.1', /not an IP/],
  ['1.2.3.4.5', /not an IP/],
  [':::1', /not an IP/],
];

const allowed = [
  '1.1.1.1',
  '8.8.8.8',
  '9.9.9.9',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.1',
  '192.169.0.1',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80b::200e',
  '2001:4860:4860::8888',
  '2001:200::1',
  '::ffff:8.8.8.8',
  '::ffff:0808:0808',
  '64:ff9b::8.8.8.8',
  '2002:0808:0808::1',
];

describe('classifyAddress', () => {
  it.each(refused)('refuses %s', (address, reason) => {
    const verdict = classifyAddress(address);
    expect(verdict.public).toBe(false);
    if (!verdict.public) expect(verdict.reason).toMatch(reason);
  });

  it.each(allowed)('allows public %s', (address) => {
    expect(classifyAddress(address)).toEqual({ public: true });
  });
});

describe('parseIPv6', () => {
  it('expands compressed forms and embedded IPv4 tails', () => {
    expect(Array.from(parseIPv6('::ffff:1.2.3.4') ?? [])).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4,
    ]);
    expect(Array.from(parseIPv6('1:2:3:4:5:6:7.8.9.10') ?? [])).toEqual([
      0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 7, 8, 9, 10,
    ]);
    expect(Array.from(parseIPv6('fe80::1%lo') ?? [])).toEqual([0xfe, 0x80, ...new Array(13).fill(0), 1]);
    expect(parseIPv6('1.2.3.4')).toBeNull();
  });
});
