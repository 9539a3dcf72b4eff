export { peopleCsv, csvText, guardFormula, unguardFormula, italianNumber, type CsvCell } from './csv';
export { typedWorkbook, percentCell, numberCell, euroCell, dateCell, type XlsxCell, type XlsxSheet } from './xlsx';
export { renderPiaoPdf, deliberationIt, type PiaoInput, type PiaoRiskRegister, type PiaoChamber, type PiaoDeliberation } from './piao-pdf';
export { portalPack, portalMetadataCsv, organIt, type PortalMetadata, type PortalPackInput } from './portal-pack';
export { renderRelazionePdf, achievementByArea, type RelazioneInput } from './relazione-pdf';
export { parseMarkdown, plainInline, type MarkdownBlock } from './markdown';
export { renderRpctReportPdf, type RpctReportPdfInput } from './rpct-report-pdf';
export { loadPdfKit } from './tagged-pdf';
