/**
 * Picking the best `limit` hits. A one-letter query can match most of a 10,000-message mailbox, and the
 * result list only shows a screenful, so a bounded heap (n log limit) replaces a full sort (n log n).
 */

export interface Candidate {
  documentNumber: number;
  score: number;
  receivedAt: number;
}

/**
 * Better first: higher score, then newer mail (issue 8: field weight, then recency), then the later-added
 * document so the order is total and results never flicker between keystrokes.
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return b.score - a.score || b.receivedAt - a.receivedAt || b.documentNumber - a.documentNumber;
}

/** The best `limit` candidates, best first. `candidates` may be reordered. */
export function topCandidates(candidates: Candidate[], limit: number): Candidate[] {
  if (limit <= 0) return [];
  if (candidates.length <= limit * 4) return candidates.sort(compareCandidates).slice(0, limit);
  // Min-heap on "goodness": the root is the worst of the best `limit` seen so far.
  const heap: Candidate[] = [];
  for (const candidate of candidates) {
    if (heap.length < limit) {
      heap.push(candidate);
      siftUp(heap, heap.length - 1);
    } else if (compareCandidates(candidate, heap[0] as Candidate) < 0) {
      heap[0] = candidate;
      siftDown(heap, 0);
    }
  }
  return heap.sort(compareCandidates);
}

// "worse(a, b)": a belongs nearer the root, i.e. a ranks after b.
function worse(a: Candidate, b: Candidate): boolean {
  return compareCandidates(a, b) > 0;
}

function siftUp(heap: Candidate[], index: number): void {
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (!worse(heap[index] as Candidate, heap[parent] as Candidate)) return;
    swap(heap, index, parent);
    index = parent;
  }
}

function siftDown(heap: Candidate[], index: number): void {
  for (;;) {
    const left = index * 2 + 1;
    const right = left + 1;
    let worst = index;
    if (left < heap.length && worse(heap[left] as Candidate, heap[worst] as Candidate)) worst = left;
    if (right < heap.length && worse(heap[right] as Candidate, heap[worst] as Candidate)) worst = right;
    if (worst === index) return;
    swap(heap, index, worst);
    index = worst;
  }
}

function swap(heap: Candidate[], a: number, b: number): void {
  const held = heap[a] as Candidate;
  heap[a] = heap[b] as Candidate;
  heap[b] = held;
}
