import express from 'express';
import { describe, expect, it } from 'vitest';
import {
  connectionSettingsSchema,
  httpSettingsSchema,
  trustProxySchema,
} from '../../../../server/http/settings';
import { connectionsCheckingIntervalMs } from '../../../../server/http/server';

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

describe('the connection limits', () => {
  it('when none is set, then the defaults suit a JSON API: 10 s headers, 30 s request, 5 s keep-alive, 1000 connections', () => {
    expect(httpSettingsSchema.parse({}).connections).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1000,
    });
  });

  it.each<[string, Record<string, number>, string, string]>([
    [
      'a request timeout equal to the headers timeout',
      { headersTimeoutMs: 20_000, requestTimeoutMs: 20_000 },
      'requestTimeoutMs',
      'must be longer than http.connections.headersTimeoutMs (20000 ms)',
    ],
    [
      'a request timeout under the default headers timeout',
      { requestTimeoutMs: 5000 },
      'requestTimeoutMs',
      'must be longer than',
    ],
    ['a headers timeout under a second', { headersTimeoutMs: 10 }, 'headersTimeoutMs', '>=1000'],
    [
      'a keep-alive of 0 (Node: never time out)',
      { keepAliveTimeoutMs: 0 },
      'keepAliveTimeoutMs',
      '>=1000',
    ],
    ['no connections at all', { maxConnections: 0 }, 'maxConnections', '>=1'],
    [
      'a fractional request count',
      { maxRequestsPerSocket: 1.5 },
      'maxRequestsPerSocket',
      'expected int',
    ],
  ])('when it has %s, then it is refused naming the setting', (_what, value, setting, says) => {
    const result = connectionSettingsSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [setting, expect.stringContaining(says)],
    ]);
  });

  it('when the headers timeout is short or long, then Node checks for expired connections often enough to enforce it', () => {
    const at = (headersTimeoutMs: number) =>
      connectionsCheckingIntervalMs(
        connectionSettingsSchema.parse({ headersTimeoutMs, requestTimeoutMs: 600_000 }),
      );
    expect(at(1000)).toBe(100);
    expect(at(10_000)).toBe(1000);
    expect(at(120_000)).toBe(1000);
  });
});
