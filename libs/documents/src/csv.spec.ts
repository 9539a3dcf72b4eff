import { csvText, guardFormula, peopleCsv, unguardFormula } from './csv';

describe('peopleCsv', () => {
  it('writes `;`, a BOM, CRLF after every line, decimal commas and sì/no', () => {
    const out = peopleCsv([
      ['Codice', 'Valore', 'Fatto'],
      ['A1', 12.5, true],
      ['A2', 3, false],
    ]);
    expect(out.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(out.subarray(3).toString('utf8')).toBe('Codice;Valore;Fatto\r\nA1;12,5;sì\r\nA2;3;no\r\n');
  });

  it('quotes cells holding `;`, quotes or line breaks, and leaves commas alone', () => {
    const text = peopleCsv([['a;b', 'c"d', 'e\r\nf', '1,5', null, undefined]]).toString('utf8').slice(1);
    expect(text).toBe('"a;b";"c""d";"e\r\nf";1,5;;\r\n');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    for (const s of ['=SUM(A1:A2)', '+39 055', '-2', '@cmd', '\tx', '\rx']) expect(csvText(s)).toBe(`'${s}`);
    for (const s of ['ok', ' =x', "'gia", '>= 60', '']) expect(csvText(s)).toBe(s);
    // Numbers stay numbers, negative ones too.
    expect(csvText(-2.25)).toBe('-2,25');
    expect(peopleCsv([['=1+1']]).toString('utf8')).toBe("\uFEFF'=1+1\r\n");
  });

  it('the guard comes off again for importers', () => {
    for (const s of ['=x', '-3', '@a', 'plain', "'already"]) expect(unguardFormula(guardFormula(s))).toBe(s);
  });

  it('an empty table is the BOM alone', () => {
    expect(peopleCsv([])).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
