/**
 * The inverted index proper: term -> postings, plus the terms in sorted order for prefix lookups.
 *
 * A posting is one number, `docNumber * FIELD_SPAN + fieldMask`. One small integer per posting keeps
 * 10,000 messages at a few megabytes (a Map or an object per posting would cost ten times that), and because
 * document numbers only grow, every postings list stays sorted by document without ever being sorted, which
 * makes AND an ordered merge.
 */

/** Which fields of a document hold the term; the mask is summed into the score by `fieldWeight`. */
export const Field = { subject: 1, people: 2, body: 4 } as const;
export const FIELD_SPAN = 8;

// Subject outranks names/addresses, which outrank the body (issue 8 ranking rule); one table lookup per
// posting is cheaper than re-deriving the sum on every keystroke.
const WEIGHT_BY_MASK = Array.from(
  { length: FIELD_SPAN },
  (_, mask) => (mask & Field.subject ? 4 : 0) + (mask & Field.people ? 2 : 0) + (mask & Field.body ? 1 : 0),
);

export function fieldWeight(posting: number): number {
  return WEIGHT_BY_MASK[posting % FIELD_SPAN] as number;
}

export function documentOf(posting: number): number {
  return Math.floor(posting / FIELD_SPAN);
}

/**
 * Prefixes up to this many characters get their own postings list: the union over every term starting with
 * them, field masks OR-ed. The first keystrokes of a search ("m", "th") otherwise touch a large share of all
 * postings (every "the", "that", "they"...); with these lists they read at most one posting per message.
 * Costs about one extra posting per (message, distinct leading pair of letters).
 */
export const SHORT_PREFIX_LENGTH = 2;

export class TermTable {
  readonly #postings = new Map<string, number[]>();
  readonly #short = new Map<string, number[]>();
  // Sorted view for prefix scans. New terms wait in #pending and are merged on the next prefix lookup, so
  // adding a message never pays for re-sorting the whole vocabulary; a term whose postings are gone
  // lingers here until the next compaction and is skipped because it is absent from #postings.
  #sorted: string[] = [];
  #pending: string[] = [];

  get termCount(): number {
    return this.#postings.size;
  }

  /**
   * Adds one document: `fields` maps each of its distinct terms to the fields holding it. The document
   * number must exceed every number added before (lists stay sorted by appending).
   */
  appendDocument(documentNumber: number, fields: ReadonlyMap<string, number>): void {
    // Short prefixes are OR-ed per document first, so each union list gets one append per document.
    const short = new Map<string, number>();
    for (const [term, mask] of fields) {
      const posting = documentNumber * FIELD_SPAN + mask;
      const list = this.#postings.get(term);
      if (list) list.push(posting);
      else {
        this.#postings.set(term, [posting]);
        this.#pending.push(term);
      }
      for (let length = 1; length <= SHORT_PREFIX_LENGTH && length <= term.length; length++) {
        const prefix = term.slice(0, length);
        short.set(prefix, (short.get(prefix) ?? 0) | mask);
      }
    }
    for (const [prefix, mask] of short) {
      const posting = documentNumber * FIELD_SPAN + mask;
      const list = this.#short.get(prefix);
      if (list) list.push(posting);
      else this.#short.set(prefix, [posting]);
    }
  }

  /**
   * Bulk load (deserialising): postings lists in any term order, each sorted by document. The short-prefix
   * lists are then built in one pass, since appending term by term would visit documents out of order.
   */
  static restore(entries: Iterable<[string, number[]]>, documentCount: number): TermTable {
    const table = new TermTable();
    for (const [term, postings] of entries) {
      table.#postings.set(term, [...postings]);
      table.#pending.push(term);
    }
    table.#mergePending();
    const masks = new Uint8Array(documentCount);
    for (let length = 1; length <= SHORT_PREFIX_LENGTH; length++) {
      // Sorted terms sharing a prefix are contiguous: union each run through a per-document mask array.
      let prefix: string | undefined;
      let touched: number[] = [];
      const flush = () => {
        if (prefix === undefined) return;
        const union: number[] = [];
        for (const documentNumber of Int32Array.from(touched).sort()) {
          union.push(documentNumber * FIELD_SPAN + (masks[documentNumber] as number));
          masks[documentNumber] = 0;
        }
        table.#short.set(prefix, union);
        touched = [];
      };
      for (const term of table.#sorted) {
        if (term.length < length) continue;
        const head = term.slice(0, length);
        if (head !== prefix) {
          flush();
          prefix = head;
        }
        for (const posting of table.#postings.get(term) ?? []) {
          const documentNumber = documentOf(posting);
          if (masks[documentNumber] === 0) touched.push(documentNumber);
          masks[documentNumber] = (masks[documentNumber] as number) | (posting % FIELD_SPAN);
        }
      }
      flush();
    }
    return table;
  }

  /** The union list for a prefix of at most SHORT_PREFIX_LENGTH characters, if any term has it. */
  getShortPrefix(prefix: string): readonly number[] | undefined {
    return prefix.length <= SHORT_PREFIX_LENGTH ? this.#short.get(prefix) : undefined;
  }

  get(term: string): readonly number[] | undefined {
    return this.#postings.get(term);
  }

  /** Calls `visit` for every stored term starting with `prefix`, in sorted order. */
  forEachWithPrefix(prefix: string, visit: (term: string, postings: readonly number[]) => void): void {
    this.#mergePending();
    const sorted = this.#sorted;
    for (let i = lowerBound(sorted, prefix); i < sorted.length; i++) {
      const term = sorted[i] as string;
      if (!term.startsWith(prefix)) break;
      const list = this.#postings.get(term);
      if (list) visit(term, list);
    }
  }

  /**
   * Drops postings of removed documents and renumbers the rest (`renumber[old]`, -1 = removed). Order is
   * kept, because renumbering preserves the documents' relative order.
   */
  compact(renumber: Int32Array): void {
    for (const lists of [this.#postings, this.#short]) {
      for (const [key, list] of lists) {
        let kept = 0;
        for (const posting of list) {
          const next = renumber[documentOf(posting)] ?? -1;
          if (next >= 0) list[kept++] = next * FIELD_SPAN + (posting % FIELD_SPAN);
        }
        if (kept === 0) lists.delete(key);
        else list.length = kept;
      }
    }
    this.#mergePending();
    this.#sorted = this.#sorted.filter((term) => this.#postings.has(term));
  }

  entries(): IterableIterator<[string, number[]]> {
    return this.#postings.entries();
  }

  #mergePending(): void {
    if (this.#pending.length === 0) return;
    const fresh = this.#pending.sort(compareCodeUnits);
    this.#pending = [];
    const old = this.#sorted;
    const merged: string[] = new Array(old.length + fresh.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < fresh.length) {
      merged[k++] = compareCodeUnits(old[i] as string, fresh[j] as string) <= 0 ? old[i++]! : fresh[j++]!;
    }
    while (i < old.length) merged[k++] = old[i++]!;
    while (j < fresh.length) merged[k++] = fresh[j++]!;
    this.#sorted = merged;
  }
}

// Plain code-unit order: all terms sharing a prefix are then contiguous, which is all a prefix scan needs.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
