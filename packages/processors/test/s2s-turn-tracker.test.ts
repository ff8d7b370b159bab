import { cutAtWord } from '@voxframe/core';
import { TurnTracker } from '../src/s2s/turn-tracker';

describe('cutAtWord', () => {
  it.each([
    ['one two three four', 0.5, 'one two'],
    ['one two three four', 0.45, 'one two'],
    ['one two three four', 0.35, 'one'],
    ['one two three four', 0.1, ''],
    ['one two three four', 1, 'one two three four'],
    ['one two three four', 0, ''],
    ['你好世界', 0.5, '你好'],
  ])('cuts %j at %f back to a whole word: %j', (text, fraction, expected) => {
    expect(cutAtWord(text, fraction)).toBe(expected);
  });
});

describe('TurnTracker', () => {
  it('joins partial user deltas, and a final with text replaces them', () => {
    const turns = new TurnTracker();
    expect(turns.userTranscript('hel', false, 'a')).toBeUndefined();
    expect(turns.userTranscript('lo', false, 'a')).toBeUndefined();
    expect(turns.userTranscript('', true, 'a')).toBe('hello');
    turns.userTranscript('draft', false, 'b');
    expect(turns.userTranscript('Final text.', true, 'b')).toBe('Final text.');
  });

  it('holds a finished turn until its last utterance played, then reports it in full', () => {
    const turns = new TurnTracker();
    turns.assistantAudio('i1', 400);
    turns.assistantTranscript('first part', true, 'i1');
    turns.assistantAudio('i2', 600);
    turns.assistantTranscript('second part', true, 'i2');
    expect(turns.closeAssistantTurn('completed', 'r1', true)).toEqual([]);
    expect(turns.playbackFinished('i1', 400)).toEqual([]);
    expect(turns.playbackFinished('i2', 600)).toEqual([{ info: { role: 'assistant', text: 'first part second part', status: 'completed', responseId: 'r1' } }]);
  });

  it('cuts a held turn where playback stopped short, dropping the utterances after it', () => {
    const turns = new TurnTracker();
    turns.assistantAudio('i1', 1000);
    turns.assistantTranscript('alpha beta gamma delta', true, 'i1');
    turns.assistantAudio('i2', 500);
    turns.assistantTranscript('never heard', true, 'i2');
    turns.closeAssistantTurn('completed', 'r1', true);
    expect(turns.playbackFinished('i1', 500)).toEqual([{ info: { role: 'assistant', text: 'alpha beta', status: 'interrupted', responseId: 'r1' }, cutUtteranceId: 'i1' }]);
    expect(turns.flush()).toEqual([]);
  });

  it('ignores transcript text arriving for an interrupted open turn', () => {
    const turns = new TurnTracker();
    turns.assistantAudio('i1', 1000);
    turns.assistantTranscript('one two three four', false, 'i1');
    turns.interruptOpen('i1', 500);
    turns.assistantTranscript(' five six seven eight', false, 'i1');
    turns.assistantTranscript('one two three four five six seven eight', true, 'i1');
    expect(turns.closeAssistantTurn('cancelled', undefined, true)).toEqual([{ info: { role: 'assistant', text: 'one two', status: 'interrupted' }, cutUtteranceId: 'i1' }]);
  });

  it('keeps the whole text when interrupted without a playback clock, and text-only turns in full', () => {
    const unknown = new TurnTracker();
    unknown.assistantAudio('i1', 1000);
    unknown.assistantTranscript('all of this', true, 'i1');
    unknown.interruptOpen('i1', undefined);
    expect(unknown.closeAssistantTurn('cancelled', undefined, false)[0].info.text).toBe('all of this');

    const textOnly = new TurnTracker();
    textOnly.assistantText('Shown ');
    textOnly.assistantText('on screen.');
    expect(textOnly.closeAssistantTurn('completed', 'r2', true)).toEqual([{ info: { role: 'assistant', text: 'Shown on screen.', status: 'completed', responseId: 'r2' } }]);
  });

  it('reports held turns as they stand when flushed', () => {
    const turns = new TurnTracker();
    turns.assistantAudio('i1', 300);
    turns.assistantTranscript('pending words', true, 'i1');
    turns.closeAssistantTurn('completed', undefined, true);
    expect(turns.flush()).toEqual([{ info: { role: 'assistant', text: 'pending words', status: 'completed' } }]);
  });

  it('counts playback within 1 ms of the end as heard in full, and 2 ms short as cut', () => {
    const full = new TurnTracker();
    full.assistantAudio('i1', 1000);
    full.assistantTranscript('every single word', true, 'i1');
    full.closeAssistantTurn('completed', 'r1', true);
    expect(full.playbackFinished('i1', 999)).toEqual([{ info: { role: 'assistant', text: 'every single word', status: 'completed', responseId: 'r1' } }]);

    const cut = new TurnTracker();
    cut.assistantAudio('i1', 1000);
    cut.assistantTranscript('every single word', true, 'i1');
    cut.closeAssistantTurn('completed', 'r1', true);
    expect(cut.playbackFinished('i1', 998)[0].info.status).toBe('interrupted');
  });
});
