import { describe, expect, it } from 'vitest';
import { Listings } from './listings';

const entries = (n: number, prefix = 'a') => Array.from({ length: n }, (_, i) => ({ hash: `${prefix}${i}` }));

describe('Listings', () => {
  it('serves a listing in pages while it grows, saying when it is complete', () => {
    const listings = new Listings();
    const listing = listings.open('job-1', 'file /c');
    listing.add(entries(3));
    expect(listings.page('job-1', 0, 2)).toEqual({ entries: entries(2), total: 3, complete: false });
    listing.add(entries(2, 'b'));
    expect(listing.close()).toBe(5);
    expect(listings.page('job-1', 2, 10)).toEqual({ entries: [{ hash: 'a2' }, { hash: 'b0' }, { hash: 'b1' }], total: 5, complete: true });
  });

  it('keeps only the latest complete listing of a cache, and never one still running', () => {
    const listings = new Listings();
    const old = listings.open('job-old', 'file /c');
    old.add(entries(1));
    old.close();
    const failed = listings.open('job-failed', 'file /c');
    failed.end();
    const running = listings.open('job-running', 'file /c');
    const other = listings.open('job-other', 'file /d');
    other.close();
    const latest = listings.open('job-latest', 'file /c');
    latest.close();
    expect(() => listings.page('job-old', 0, 1)).toThrow(/No listing for job job-old/);
    expect(() => listings.page('job-failed', 0, 1)).toThrow(/No listing/);
    expect(listings.page('job-running', 0, 1).complete).toBe(false);
    expect(listings.page('job-other', 0, 1).complete).toBe(true);
    expect(listings.page('job-latest', 0, 1).complete).toBe(true);
    void running;
  });
});
