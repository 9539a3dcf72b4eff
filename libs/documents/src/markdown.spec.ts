import { parseMarkdown } from './markdown';

describe('parseMarkdown', () => {
  it('reads headings, paragraphs joined across lines, bulleted and numbered lists, and drops emphasis marks', () => {
    expect(parseMarkdown('# Titolo\nprima riga\nseconda **riga**\n\n- uno\n- _due_\n  continua\n\n1. primo\n2) secondo\n\nTesto con [link](https://ex.it) e `codice`')).toEqual([
      { kind: 'heading', level: 1, text: 'Titolo' },
      { kind: 'paragraph', text: 'prima riga seconda riga' },
      { kind: 'list', ordered: false, items: ['uno', 'due continua'] },
      { kind: 'list', ordered: true, items: ['primo', 'secondo'] },
      { kind: 'paragraph', text: 'Testo con link (https://ex.it) e codice' },
    ]);
  });

  it('keeps text that only looks like markup, and returns nothing for blank text', () => {
    expect(parseMarkdown('2*3 = 6, a_b_c e 5 * 4')).toEqual([{ kind: 'paragraph', text: '2*3 = 6, a_b_c e 5 * 4' }]);
    expect(parseMarkdown('  \n\n ')).toEqual([]);
    expect(parseMarkdown('#### Sotto\r\ntesto')).toEqual([{ kind: 'heading', level: 3, text: 'Sotto' }, { kind: 'paragraph', text: 'testo' }]);
  });
});
