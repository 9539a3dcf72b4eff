export { peopleCsv, csvText, guardFormula, unguardFormula, italianNumber, type CsvCell } from './csv';
export { typedWorkbook, percentCell, numberCell, euroCell, dateCell, type XlsxCell, type XlsxSheet } from './xlsx';
