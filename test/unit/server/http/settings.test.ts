import express from 'express';
import { describe, expect, it } from 'vitest';
import { trustProxySchema } from '../../../../server/http/settings';

describe('the trust proxy setting', () => {
  it.each<[string, unknown]>([
    ['off', false],
    ['a hop count', 1],
    ['a named range', 'loopback'],
    ['an IPv4 address', '10.0.0.7'],
    ['an IPv4 subnet', '10.0.0.0/8'],
    ['an IPv4 netmask', '10.0.0.0/255.255.240.0'],
    ['an IPv6 subnet', 'fd00::/8'],
    ['a list with spaces', 'loopback, linklocal, 192.168.1.0/24 ,uniquelocal'],
  ])('when it is %s, then the schema and Express both accept it', (_what, value) => {
    const parsed = trustProxySchema.parse(value);
    expect(() => express().set('trust proxy', parsed)).not.toThrow();
  });

  it.each<[string, string, string]>([
    ['a misspelt range name', 'lookback', '"lookback" is not an IP address'],
    ['a host name', 'balancer.example.nhs.uk', 'is not an IP address'],
    ['a prefix too long for IPv4', '10.0.0.0/33', 'IPv4 takes /0 to /32'],
    ['a prefix too long for IPv6', 'fd00::/129', 'IPv6 takes /0 to /128'],
    ['a netmask with holes', '10.0.0.0/255.0.255.0', 'bad prefix'],
    ['two slashes', '10.0.0.0/8/8', 'is not an IP address'],
    ['an empty entry', 'loopback,,10.0.0.1', 'an empty entry'],
  ])('when it has %s, then it is refused with a message naming the entry', (_what, value, says) => {
    const result = trustProxySchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join(' ')).toContain(says);
  });

  it('when an entry is refused, then Express would have refused it too or read it wrongly', () => {
    // Express throws at start on these; the setting turns that into a named settings error.
    for (const value of ['lookback', '10.0.0.0/33', '10.0.0.0/255.0.255.0']) {
      expect(() => express().set('trust proxy', value)).toThrow();
    }
  });
});
