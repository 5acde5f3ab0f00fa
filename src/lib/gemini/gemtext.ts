/**
 * text/gemini parsed into blocks the page renders as elements (Gemini specification, "gemtext" section:
 * line types are recognised by their first characters; "```" toggles preformatted mode).
 */
export type GemtextBlock =
  | { type: 'text'; text: string }
  | { type: 'link'; url: string; label?: string }
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  /** Consecutive `* ` lines, so the page can draw one list. */
  | { type: 'list'; items: string[] }
  | { type: 'quote'; text: string }
  /** Lines kept exactly; `alt` is the text after the opening fence. An unclosed block runs to the end. */
  | { type: 'preformatted'; alt?: string; lines: string[] };

function headingOf(line: string): GemtextBlock | undefined {
  const match = /^(#{1,3})(.*)$/.exec(line);
  if (!match) return undefined;
  const level = (match[1] ?? '#').length as 1 | 2 | 3;
  return { type: 'heading', level, text: (match[2] ?? '').trim() };
}

/** `=>[<whitespace>]<URL>[<whitespace><label>]`; a link line without a URL is plain text. */
function linkOf(line: string): GemtextBlock | undefined {
  const rest = line.slice(2).trim();
  if (rest === '') return undefined;
  const space = rest.search(/\s/);
  if (space < 0) return { type: 'link', url: rest };
  const label = rest.slice(space).trim();
  return { type: 'link', url: rest.slice(0, space), ...(label === '' ? {} : { label }) };
}

export function parseGemtext(source: string): GemtextBlock[] {
  const blocks: GemtextBlock[] = [];
  let pre: { type: 'preformatted'; alt?: string; lines: string[] } | undefined;
  const lines = source.split('\n');
  // A final newline ends the last line rather than starting an empty one.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('```')) {
      if (pre) {
        blocks.push(pre);
        pre = undefined;
      } else {
        const alt = line.slice(3).trim();
        pre = alt === '' ? { type: 'preformatted', lines: [] } : { type: 'preformatted', alt, lines: [] };
      }
      continue;
    }
    if (pre) {
      pre.lines.push(line);
      continue;
    }
    const last = blocks[blocks.length - 1];
    if (line.startsWith('* ')) {
      const item = line.slice(2).trim();
      if (last?.type === 'list') last.items.push(item);
      else blocks.push({ type: 'list', items: [item] });
    } else if (line.startsWith('=>')) {
      blocks.push(linkOf(line) ?? { type: 'text', text: line });
    } else if (line.startsWith('#')) {
      blocks.push(headingOf(line) ?? { type: 'text', text: line });
    } else if (line.startsWith('>')) {
      blocks.push({ type: 'quote', text: line.slice(1).trim() });
    } else {
      blocks.push({ type: 'text', text: line });
    }
  }
  if (pre) blocks.push(pre);
  return blocks;
}

/** Plain text of a document (for search and previews): markup dropped, link labels (or URLs) kept. */
export function gemtextToPlain(source: string): string {
  return parseGemtext(source)
    .map((b) => {
      switch (b.type) {
        case 'link':
          return b.label ?? b.url;
        case 'list':
          return b.items.join('\n');
        case 'preformatted':
          return b.lines.join('\n');
        default:
          return b.text;
      }
    })
    .join('\n');
}
