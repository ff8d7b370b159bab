/**
 * Slab-carved arrays: fresh (zeroed, never handed out twice, never overlapping) across slab boundaries, so a
 * consumer may keep them like any new typed array.
 */
import { allocInt16, allocUint8 } from '../src/audio/sample-slab';

describe('allocInt16 / allocUint8', () => {
  it('hand out zeroed views that never overlap, across many slabs', () => {
    const views: (Int16Array | Uint8Array)[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const view = i % 3 === 0 ? allocUint8(1 + (i % 300)) : allocInt16(1 + (i % 700));
      expect(view.every((v) => v === 0)).toBe(true);
      view.fill(i % 2 === 0 ? 7 : -7 & 0xff);
      views.push(view);
    }
    // Writing every view with its own mark and reading it back proves no two views share bytes.
    views.forEach((view, i) => view.fill(i % 120));
    views.forEach((view, i) => expect(view.every((v) => v === i % 120)).toBe(true));
  });

  it('keeps Int16 views aligned and gives large or empty requests their own buffer', () => {
    allocUint8(3);
    const aligned = allocInt16(5);
    expect(aligned.byteOffset % 2).toBe(0);
    const large = allocInt16(48000);
    expect(large.length).toBe(48000);
    expect(large.byteOffset).toBe(0);
    expect(allocUint8(0).length).toBe(0);
  });
});
