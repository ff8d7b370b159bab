import { SentenceAggregator } from '../src/cascade';

/** Feeds text in small token-like pieces and returns the sentences plus what flush() leaves. */
function split(text: string, pieceChars = 3, minChars?: number): string[] {
  const aggregator = new SentenceAggregator(minChars === undefined ? {} : { minChars });
  const out: string[] = [];
  for (let i = 0; i < text.length; i += pieceChars) aggregator.push(text.slice(i, i + pieceChars), out);
  const rest = aggregator.flush();
  if (rest !== undefined) out.push(rest);
  return out;
}

describe('SentenceAggregator', () => {
  it('splits at terminators followed by whitespace, keeping closing quotes', () => {
    expect(split('Hello there! How are you? I am "fine." Thanks')).toEqual(['Hello there!', 'How are you?', 'I am "fine."', 'Thanks']);
  });

  it('does not split after abbreviations, initials, list numbers or inside numbers', () => {
    expect(split('Dr. Smith met J. R. Tolkien at 3 p.m. on Main St. today. It cost $3.50, e.g. a lot. Next')).toEqual([
      'Dr. Smith met J. R. Tolkien at 3 p.m. on Main St. today.',
      'It cost $3.50, e.g. a lot.',
      'Next',
    ]);
    expect(split('Steps:\n1. Open it.\n2. Close it.')).toEqual(['Steps:', '1. Open it.', '2. Close it.']);
  });

  it('never splits inside code spans or fenced blocks', () => {
    expect(split('Run `npm i. then go` now. Done.')).toEqual(['Run `npm i. then go` now.', 'Done.']);
    expect(split('Try:\n```\na = 1. b = 2.\n```\nOk.')).toEqual(['Try:', '```\na = 1. b = 2.\n```', 'Ok.']);
  });

  it('emits a sentence as soon as the whitespace after it arrives, whatever the token boundaries', () => {
    const aggregator = new SentenceAggregator();
    expect(aggregator.push('Hi.')).toEqual([]);
    expect(aggregator.push(' ')).toEqual(['Hi.']);
    expect(aggregator.push('Ok')).toEqual([]);
    for (const size of [1, 2, 5, 50]) expect(split('One. Two? Three! Four', size)).toEqual(['One.', 'Two?', 'Three!', 'Four']);
  });

  it('joins sentences shorter than minChars to the next, and splits CJK at its own terminators', () => {
    expect(split('Hi. Sure. That is a longer one. End', 3, 10)).toEqual(['Hi. Sure. That is a longer one.', 'End']);
    expect(split('你好。今天天气很好！')).toEqual(['你好。', '今天天气很好！']);
  });

  it('reset() drops what was buffered', () => {
    const aggregator = new SentenceAggregator();
    aggregator.push('Half a sent');
    aggregator.reset();
    expect(aggregator.flush()).toBeUndefined();
  });
});
