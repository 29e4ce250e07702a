import type PDFDocumentClass from 'pdfkit';

// @types/pdfkit types the default export as the document itself (its `new` returns one).
export type PdfDocument = typeof PDFDocumentClass;

/** The drawable area of a page, and how to start the next one (which draws its running header). */
export interface PageFrame {
  left: number;
  right: number;
  /** Nothing is drawn below this: the page footer lives there. */
  bottom: number;
  nextPage(): void;
}

export interface TableColumn {
  header: string;
  width: number;
  align: 'left' | 'right';
}

export interface TableRow {
  cells: string[];
  /** A smaller grey line under the first cell (a line's service period). */
  note?: string | null;
}

export const FONT = 'Helvetica';
export const BOLD = 'Helvetica-Bold';
export const TEXT_SIZE = 9;
export const NOTE_SIZE = 7.5;
export const GREY = '#555555';
export const RULE = '#cccccc';
const PAD_X = 4;
const PAD_Y = 4;

export function rule(doc: PdfDocument, frame: PageFrame, y: number, color = RULE): void {
  doc.save().moveTo(frame.left, y).lineTo(frame.right, y).lineWidth(0.5).strokeColor(color).stroke().restore();
}

function cellX(columns: readonly TableColumn[], index: number, left: number): number {
  return left + columns.slice(0, index).reduce((sum, column) => sum + column.width, 0);
}

function drawHeader(doc: PdfDocument, frame: PageFrame, columns: readonly TableColumn[]): void {
  const y = doc.y;
  doc.font(BOLD).fontSize(TEXT_SIZE).fillColor(GREY);
  columns.forEach((column, index) => {
    doc.text(column.header, cellX(columns, index, frame.left) + PAD_X, y + PAD_Y, { width: column.width - 2 * PAD_X, align: column.align, lineBreak: false });
  });
  const bottom = y + PAD_Y * 2 + doc.currentLineHeight();
  rule(doc, frame, bottom, GREY);
  doc.fillColor('black');
  doc.y = bottom;
}

function rowHeight(doc: PdfDocument, columns: readonly TableColumn[], row: TableRow): number {
  doc.font(FONT).fontSize(TEXT_SIZE);
  const heights = row.cells.map((cell, index) => doc.heightOfString(cell === '' ? ' ' : cell, { width: (columns[index]?.width ?? 0) - 2 * PAD_X }));
  if (row.note) {
    doc.fontSize(NOTE_SIZE);
    heights[0] = (heights[0] ?? 0) + 1 + doc.heightOfString(row.note, { width: (columns[0]?.width ?? 0) - 2 * PAD_X });
    doc.fontSize(TEXT_SIZE);
  }
  return Math.max(...heights) + 2 * PAD_Y;
}

function drawRow(doc: PdfDocument, frame: PageFrame, columns: readonly TableColumn[], row: TableRow, height: number): void {
  const y = doc.y;
  doc.font(FONT).fontSize(TEXT_SIZE).fillColor('black');
  row.cells.forEach((cell, index) => {
    const column = columns[index];
    if (column === undefined || cell === '') return;
    doc.text(cell, cellX(columns, index, frame.left) + PAD_X, y + PAD_Y, { width: column.width - 2 * PAD_X, align: column.align });
  });
  if (row.note && columns[0] !== undefined) {
    doc.font(FONT).fontSize(TEXT_SIZE);
    const descriptionHeight = doc.heightOfString(row.cells[0] || ' ', { width: columns[0].width - 2 * PAD_X });
    doc.fontSize(NOTE_SIZE).fillColor(GREY).text(row.note, frame.left + PAD_X, y + PAD_Y + descriptionHeight + 1, { width: columns[0].width - 2 * PAD_X });
    doc.fillColor('black').fontSize(TEXT_SIZE);
  }
  rule(doc, frame, y + height);
  doc.y = y + height;
}

/**
 * A table that runs over as many pages as it needs: a row never straddles a page break, and every
 * page the table continues on starts with its header again, so each page reads on its own.
 */
export function drawTable(doc: PdfDocument, frame: PageFrame, columns: readonly TableColumn[], rows: readonly TableRow[]): void {
  doc.font(BOLD).fontSize(TEXT_SIZE);
  const headerHeight = PAD_Y * 2 + doc.currentLineHeight();
  const first = rows[0] === undefined ? 0 : rowHeight(doc, columns, rows[0]);
  // A header alone at the foot of a page, its rows overleaf, reads as a mistake.
  if (doc.y + headerHeight + first > frame.bottom) frame.nextPage();
  drawHeader(doc, frame, columns);
  for (const row of rows) {
    const height = rowHeight(doc, columns, row);
    if (doc.y + height > frame.bottom) {
      frame.nextPage();
      drawHeader(doc, frame, columns);
    }
    drawRow(doc, frame, columns, row, height);
  }
}
