import { FULLY_HEARD_TOLERANCE_MS, cutAtWord, heardText, isFullyHeard } from '../src';

describe('heardText: the one rule for what the user heard', () => {
  it('cuts an even spread back to the last whole word; a word ending at the cut counts', () => {
    expect(heardText('hello wonderful world', 500, 1000)).toBe('hello');
    expect(heardText('one two three four', 500, 1000)).toBe('one two'); // cut falls right after "two"
    expect(heardText('once upon a time there was a fox', 400, 1000)).toBe('once upon a');
  });

  it('nothing played is nothing heard; within the tolerance of the end is all of it', () => {
    expect(heardText('hello', 0, 1000)).toBe('');
    expect(heardText('hello', -5, 1000)).toBe('');
    expect(heardText('hello there', 1000 - FULLY_HEARD_TOLERANCE_MS, 1000)).toBe('hello there');
    expect(heardText('hello there', 1000 - FULLY_HEARD_TOLERANCE_MS - 1, 1000)).toBe('hello');
    expect(isFullyHeard(999, 1000)).toBe(true);
    expect(isFullyHeard(998, 1000)).toBe(false);
  });

  it('uses word timings when given: a word is heard once it ended', () => {
    const timings = [
      { text: 'alpha', startMs: 0, endMs: 300 },
      { text: 'beta', startMs: 320, endMs: 700 },
      { text: 'gamma', startMs: 720, endMs: 1000 },
    ];
    expect(heardText('alpha beta gamma', 699, 1200, timings)).toBe('alpha');
    expect(heardText('alpha beta gamma', 700, 1200, timings)).toBe('alpha beta');
  });

  it('cuts text without spaces at the character', () => {
    expect(cutAtWord('今日は良い天気', 0.5)).toBe('今日は');
    expect(heardText('anything', 100, 0)).toBe('anything'); // no audio length known: nothing to cut by
  });
});
