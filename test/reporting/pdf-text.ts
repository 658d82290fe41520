import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** The PDF's text layer as poppler's pdftotext reads it, whitespace collapsed so wrapped lines still match. */
export function pdfText(file: string, pages?: { first: number; last: number }): string {
  const range = pages ? ['-f', String(pages.first), '-l', String(pages.last)] : [];
  return execFileSync('pdftotext', ['-enc', 'UTF-8', ...range, file, '-'], { encoding: 'utf8' }).replace(
    /\s+/g,
    ' ',
  );
}

export function pdfPages(file: string): number {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}

/** Writes bytes that never touched the disk (PdfRenderer output) so poppler can read them. */
export function writePdf(file: string, bytes: Uint8Array): string {
  writeFileSync(file, bytes);
  return file;
}
