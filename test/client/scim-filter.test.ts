import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { filterValue, parseRetryAfter, scimFilter } from '../../src/client/index.js';

describe('scimFilter', () => {
  test('strings are quoted and escaped', () => {
    const input = 'a"b\\c';
    assert.equal(scimFilter`userName eq ${input}`, 'userName eq "a\\"b\\\\c"');
  });

  test('injection stays inside the literal', () => {
    const input = 'x" or userName pr or userName eq "y';
    assert.equal(
      scimFilter`userName eq ${input}`,
      'userName eq "x\\" or userName pr or userName eq \\"y"',
    );
  });

  test('numbers, booleans, null and dates', () => {
    const when = new Date('2026-01-02T03:04:05.006Z');
    assert.equal(
      scimFilter`active eq ${true} and x eq ${null} and n gt ${42} and meta.lastModified gt ${when}`,
      'active eq true and x eq null and n gt 42 and meta.lastModified gt "2026-01-02T03:04:05.006Z"',
    );
  });

  test('non-finite number is rejected', () => {
    assert.throws(() => filterValue(Number.NaN), /finite number, got NaN/);
  });
});

describe('parseRetryAfter', () => {
  test('seconds become milliseconds', () => {
    assert.equal(parseRetryAfter('3'), 3000);
  });

  test('HTTP date becomes a delay', () => {
    const delay = parseRetryAfter(new Date(Date.now() + 5000).toUTCString());
    assert.notEqual(delay, undefined);
    assert.ok(delay! > 3000, `delay ${delay} ms is too short`);
    assert.ok(delay! <= 5000, `delay ${delay} ms is too long`);
  });

  test('absent or unreadable is undefined', () => {
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});
