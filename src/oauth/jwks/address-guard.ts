import { BlockList, isIP } from 'node:net';

/** Special-purpose range that makes an address unfit as the target of a request made for a client. */
export type BlockedRange =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

type Subnet = [string, number, 'ipv4' | 'ipv6'];

// Ranges from the IANA special-purpose address registries (RFC 6890 and its updates). Only ranges
// that lead to hosts a remote client must not reach are listed: this machine, internal networks
// and link-local services such as cloud metadata endpoints.
const RANGES: Record<BlockedRange, Subnet[]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  private: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['100.64.0.0', 10, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
    ['fec0::', 10, 'ipv6'],
  ],
  'link-local': [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  multicast: [
    ['224.0.0.0', 4, 'ipv4'],
    ['ff00::', 8, 'ipv6'],
  ],
  unspecified: [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ],
  reserved: [
    ['192.0.0.0', 24, 'ipv4'],
    ['198.18.0.0', 15, 'ipv4'],
    ['240.0.0.0', 4, 'ipv4'],
  ],
};

const BLOCK_LISTS = Object.entries(RANGES).map(([range, subnets]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return { range: range as BlockedRange, list };
});

/** IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) reach the embedded IPv4 address. */
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Returns the blocked range an IP address falls in, or undefined for a public address. */
export function blockedRange(address: string): BlockedRange | undefined {
  const mapped = MAPPED_IPV4.exec(address)?.[1];
  const target = mapped ?? address;
  const family = isIP(target) === 4 ? 'ipv4' : 'ipv6';

  for (const { range, list } of BLOCK_LISTS) {
    if (list.check(target, family)) return range;
  }
  return undefined;
}
