// Issue 8 budget: with 10,000 stored messages, search no more than 50 ms per keystroke (design.md §6).
// Builds the local index over 10,000 synthetic gemmail-like messages (seeded, so every run sees the same
// mail), then types several queries one character at a time and times each search call. The reference in
// the same run is the obvious alternative: a linear scan of every message's folded text per keystroke.
import { performance } from 'node:perf_hooks';
import { SearchIndex, type SearchDocument } from '../src/lib/search/search-index';
import { deserializeIndex, serializeIndex } from '../src/lib/search/serialize';
import { foldText, parseQuery } from '../src/lib/search/tokenize';

const MESSAGES = 10_000;
const BUDGET_MS = 50;

// mulberry32: tiny, seedable, good enough to make synthetic text.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(0x5eed);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const COMMON =
  `the of and to a in is it you that he was for on are with as his they be at one have this from or
had by word but what some we can out other were all there when up use your how said an each she which do their
time if will way about many then them write would like so these her long make thing see him two has look more
day could go come did number sound no most people my over know water than call first who may down side been now
find meeting tomorrow lunch report draft capsule gemini misfin mail server host key certificate fingerprint
thanks please question answer update release note list subscribe weekend project code patch review bug fix
idea plan week month year today morning evening coffee book garden music photo trip train station city`.split(
    /\s+/,
  );
// A long tail of rarer words built from syllables, drawn with a Zipf-like bias so a few recur often and
// most are rare, as in real mail; accented ones exercise diacritic folding.
const SYLLABLES =
  'ka lo mi ne ru sa te vi zo bar cen dol fer gim hus jor kel mun nor pel quo rin sul tam vor wen xi yal zer é ö ñ'.split(
    ' ',
  );
const RARE = Array.from({ length: 30_000 }, () =>
  Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join(''),
);
const zipfWord = () =>
  random() < 0.6 ? pick(COMMON) : (RARE[Math.floor(RARE.length * random() ** 3)] as string);
const FIRST =
  'Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy Rupert Sybil Trent Victor Walter Zoë Ångström'.split(
    ' ',
  );
const LAST =
  'Martin Smith Novak Garcia Müller Rossi Dubois Silva Kowalski Jensen Tanaka Okafor Larsen Petrov Costa'.split(
    ' ',
  );
const HOSTS =
  'example.org mail.example.net gemini.example smol.pub station.martinrue.com bbs.geminispace.org'.split(' ');

function words(count: number): string {
  return Array.from({ length: count }, zipfWord).join(' ');
}

function message(i: number): SearchDocument {
  const people = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
    const first = pick(FIRST);
    return { name: `${first} ${pick(LAST)}`, address: `${foldText(first)}@${pick(HOSTS)}` };
  });
  const lines: string[] = [];
  const paragraphs = 1 + Math.floor(random() * 5);
  for (let p = 0; p < paragraphs; p++) {
    if (random() < 0.3) lines.push(`> ${words(8 + Math.floor(random() * 12))}`);
    lines.push(words(20 + Math.floor(random() * 60)));
    if (random() < 0.2) lines.push(`=> gemini://${pick(HOSTS)}/${zipfWord()}/${zipfWord()}.gmi ${words(3)}`);
  }
  return {
    id: `msg-${i.toString(36)}`,
    subject: `${random() < 0.3 ? 'Re: ' : ''}${words(3 + Math.floor(random() * 5))}`,
    body: lines.join('\n'),
    addresses: people.map((p) => p.address),
    names: people.map((p) => p.name),
    receivedAt: 1_700_000_000_000 + i * 60_000,
  };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
const round = (ms: number) => Math.round(ms * 1000) / 1000;

// The reference: what a page without an index would do on each keystroke.
function linearScan(folded: { id: string; text: string }[], query: string, limit: number): string[] {
  const { exact, prefix } = parseQuery(query);
  const needles = prefix === undefined ? exact : [...exact, prefix];
  if (needles.length === 0) return [];
  const hits: string[] = [];
  for (const m of folded) if (needles.every((n) => m.text.includes(n))) hits.push(m.id);
  return hits.slice(-limit);
}

const docs = Array.from({ length: MESSAGES }, (_, i) => message(i));
const heapBefore = process.memoryUsage().heapUsed;
const buildStart = performance.now();
const index = new SearchIndex();
for (const doc of docs) index.add(doc);
const buildMs = performance.now() - buildStart;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

const queries = [
  'meeting tomorrow',
  'alice martin',
  'gemini capsule release',
  'zoë müller',
  'quarterly report draft',
  'ångström example.org',
  `${RARE[3]} ${RARE[40]}`,
  'cof',
];
const keystrokes = queries.flatMap((q) => Array.from({ length: q.length }, (_, i) => q.slice(0, i + 1)));

for (let warm = 0; warm < 3; warm++) for (const k of keystrokes) index.search(k, { limit: 50 });
const times: number[] = [];
const rawTimes: number[] = [];
const slowest = new Map<string, number>();
for (let rep = 0; rep < 5; rep++) {
  for (const k of keystrokes) {
    const start = performance.now();
    index.search(k, { limit: 50 });
    const elapsed = performance.now() - start;
    times.push(elapsed);
    rawTimes.push(elapsed);
    slowest.set(k, Math.max(slowest.get(k) ?? 0, elapsed));
  }
}
times.sort((a, b) => a - b);
const worst = [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 4);
// Per keystroke, the fastest of the 5 rounds: filters out preemption and GC pauses on a busy machine, so
// this figure tracks the code while the plain percentiles track what a user on this box would see.
const bestOfRounds = new Map<string, number>();
for (let i = 0; i < times.length; i++) {
  const k = keystrokes[i % keystrokes.length] as string;
  bestOfRounds.set(k, Math.min(bestOfRounds.get(k) ?? Infinity, rawTimes[i] as number));
}
const best = [...bestOfRounds.values()].sort((a, b) => a - b);

// Reload path in "my device" mode: the saved index instead of re-tokenising every message.
const saved = JSON.stringify(serializeIndex(index));
const loadStart = performance.now();
const reloaded = deserializeIndex(JSON.parse(saved));
const loadMs = performance.now() - loadStart;
if (reloaded.size !== index.size) throw new Error('reloaded index lost documents');

const folded = docs.map((d) => ({
  id: d.id,
  text: foldText([d.subject, d.body, ...d.addresses, ...d.names].join(' ')),
}));
const scanTimes: number[] = [];
for (const k of keystrokes) {
  const start = performance.now();
  linearScan(folded, k, 50);
  scanTimes.push(performance.now() - start);
}
scanTimes.sort((a, b) => a - b);

const churnStart = performance.now();
for (let i = 0; i < 200; i++) index.update({ ...(docs[i] as SearchDocument), subject: 'changed subject' });
for (let i = 200; i < 400; i++) index.remove(`msg-${i.toString(36)}`);
const churnMs = (performance.now() - churnStart) / 400;

const median = percentile(times, 0.5);
const p95 = percentile(times, 0.95);
console.log(
  `messages            ${MESSAGES} (${index.termCount} distinct terms, ~${heapMb.toFixed(1)} MB heap growth)`,
);
console.log(
  `build               ${buildMs.toFixed(1)} ms (${((buildMs / MESSAGES) * 1000).toFixed(1)} µs per message)`,
);
console.log(`keystrokes timed    ${times.length} (${keystrokes.length} per round, 5 rounds)`);
console.log(
  `index search        median ${median.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms, max ${times.at(-1)?.toFixed(3)} ms`,
);
console.log(
  `best of 5 rounds    median ${percentile(best, 0.5).toFixed(3)} ms, p95 ${percentile(best, 0.95).toFixed(3)} ms, max ${best.at(-1)?.toFixed(3)} ms`,
);
console.log(`slowest keystrokes   ${worst.map(([k, ms]) => `"${k}" ${ms.toFixed(2)} ms`).join(', ')}`);
console.log(
  `linear scan (ref)   median ${percentile(scanTimes, 0.5).toFixed(3)} ms, p95 ${percentile(scanTimes, 0.95).toFixed(3)} ms`,
);
console.log(
  `ratio               index p95 is ${(percentile(scanTimes, 0.95) / p95).toFixed(1)}x faster than the scan`,
);
console.log(
  `saved index         ${(saved.length / 2 ** 20).toFixed(1)} MB JSON, reload ${loadMs.toFixed(1)} ms`,
);
console.log(`update/remove       ${(churnMs * 1000).toFixed(1)} µs per message`);
console.log(
  `budget              ${BUDGET_MS} ms per keystroke: ${p95 <= BUDGET_MS ? 'met' : 'MISSED'} (p95)`,
);
console.log(
  JSON.stringify({
    bench: 'ui-search',
    messages: MESSAGES,
    build_ms: round(buildMs),
    search_ms_median: round(median),
    search_ms_p95: round(p95),
    search_ms_max: round(times.at(-1) ?? 0),
    search_ms_p95_best_of_5: round(percentile(best, 0.95)),
    scan_ms_median: round(percentile(scanTimes, 0.5)),
    scan_ms_p95: round(percentile(scanTimes, 0.95)),
    update_us: round(churnMs * 1000),
    reload_ms: round(loadMs),
    terms: index.termCount,
  }),
);
