/**
 * Growable typed arrays and a bounded top-k selection: the building blocks that keep the search index
 * compact (a few bytes per posting instead of a JavaScript object) and its queries fast.
 */

/** A Uint32Array that grows by doubling. */
export class U32List {
  data: Uint32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Uint32Array(Math.max(capacity, 4));
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Makes room for `capacity` values in all. */
  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint32Array(Math.max(capacity, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** The values as a Uint32Array of exactly `length` (a copy). */
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }

  /** Drops the spare capacity (after a build, when the list will mostly be read). */
  trim(): void {
    if (this.data.length > this.length) this.data = this.data.slice(0, this.length);
  }

  static from(values: Uint32Array): U32List {
    const list = new U32List(values.length);
    list.data.set(values);
    list.length = values.length;
    return list;
  }

  /** A list over `values` itself, without copying (the list copies when it grows). */
  static adopt(values: Uint32Array): U32List {
    const list = new U32List(0);
    list.data = values;
    list.length = values.length;
    return list;
  }
}

/** A Uint8Array that grows by doubling. */
export class U8List {
  data: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Uint8Array(Math.max(capacity, 4));
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint8Array(Math.max(capacity, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  toArray(): Uint8Array {
    return this.data.slice(0, this.length);
  }

  trim(): void {
    if (this.data.length > this.length) this.data = this.data.slice(0, this.length);
  }

  static from(values: Uint8Array): U8List {
    const list = new U8List(values.length);
    list.data.set(values);
    list.length = values.length;
    return list;
  }

  static adopt(values: Uint8Array): U8List {
    const list = new U8List(0);
    list.data = values;
    list.length = values.length;
    return list;
  }
}

/**
 * The `k` ids with the highest scores, best first (equal scores in the order of `before`), without
 * sorting them all: a min-heap of size k over `count` candidates costs O(count log k).
 */
export function topK(ids: ArrayLike<number>, count: number, score: ArrayLike<number>, k: number, before: (a: number, b: number) => boolean): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  // "a is worse than b": a lower score, or the same score and not first in order.
  const worse = (a: number, b: number) => score[a] < score[b] || (score[a] === score[b] && a !== b && before(b, a));
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && worse(heap[left], heap[least])) least = left;
      if (right < heap.length && worse(heap[right], heap[least])) least = right;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least], heap[i]];
      i = least;
    }
  };
  for (let n = 0; n < count; n++) {
    const id = ids[n];
    if (heap.length < k) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i], heap[parent])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (worse(heap[0], id)) {
      heap[0] = id;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => score[b] - score[a] || (before(a, b) ? -1 : 1));
}
