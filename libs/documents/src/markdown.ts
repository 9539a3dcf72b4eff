/**
 * The small Markdown the offices write in narrative sections: headings (`#`, `##`, `###`),
 * paragraphs (lines joined until a blank line), bulleted (`-`, `*`, `+`) and numbered (`1.`, `1)`)
 * lists. Emphasis marks (`**`, `__`, `*`, `_`, backticks) are dropped, links keep their text.
 * Anything else is text: nothing is ever lost from what was written.
 */
export type MarkdownBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] };

/** Inline marks removed, links reduced to their text. */
export function plainInline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\(([^)\s]*)\)/g, (_m, label: string, url: string) => (label && url && label !== url ? `${label} (${url})` : label || url))
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)/g, '$1$2')
    .replace(/(^|[^\w_])_(?=\S)([^_]+?)(?<=\S)_(?!\w)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseMarkdown(source: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const flush = () => {
    if (para.length) blocks.push({ kind: 'paragraph', text: plainInline(para.join(' ')) });
    para = [];
    if (list) blocks.push({ kind: 'list', ...list });
    list = null;
  };
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d{1,3}[.)]\s+(.*)$/.exec(line);
    if (!line.trim()) flush();
    else if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: Math.min(heading[1].length, 3) as 1 | 2 | 3, text: plainInline(heading[2]) });
    } else if (bullet || numbered) {
      const ordered = !bullet;
      if (para.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push(plainInline((bullet ?? numbered)![1]));
    } else if (list && /^\s{2,}\S/.test(raw)) {
      list.items[list.items.length - 1] = plainInline(`${list.items[list.items.length - 1]} ${line}`);
    } else {
      if (list) flush();
      para.push(line.trim());
    }
  }
  flush();
  return blocks.filter((b) => b.kind === 'list' || b.text);
}
