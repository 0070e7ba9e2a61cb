import { describe, expect, it } from 'vitest';
import { iconPng } from '../../../scripts/make-icon';

describe('the app icon', () => {
  it('is a PNG of the requested size', () => {
    const png = iconPng(64);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(64);
    expect(png.readUInt32BE(20)).toBe(64);
  });
});
