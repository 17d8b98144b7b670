import PDFDocument from "pdfkit";
import type { InvoiceLineRow, InvoiceRow } from "../data/commerce.prisma";

/** "€12.34" from minor units, with the currency's own number of decimals. */
export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : "");

/**
 * An invoice as a one-page PDF. The same invoice always renders the same
 * bytes (the creation date is the issue date), so renders racing each other
 * store identical files.
 */
export function renderInvoicePdf(invoice: InvoiceRow & { lines: InvoiceLineRow[] }, seller: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 56,
    info: { Title: `Invoice ${invoice.number}`, Author: seller, CreationDate: invoice.issuedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const money = (amount: number) => formatMoney(amount, invoice.currency);

  doc.fontSize(20).text(seller).moveDown(0.5);
  doc.fontSize(14).text(`Invoice ${invoice.number}`);
  // no status: the file is rendered once and an OPEN invoice may be PAID later
  doc.fontSize(10).text(`Issued ${day(invoice.issuedAt)}`);
  if (invoice.periodStart && invoice.periodEnd) {
    doc.text(`Period ${day(invoice.periodStart)} – ${day(invoice.periodEnd)}`);
  }
  doc.moveDown();

  const columns = { description: 56, quantity: 330, unit: 380, total: 470 };
  const row = (cells: [string, string, string, string]) => {
    const y = doc.y;
    doc.text(cells[0], columns.description, y, { width: 260 });
    const after = doc.y;
    doc.text(cells[1], columns.quantity, y, { width: 40, align: "right" });
    doc.text(cells[2], columns.unit, y, { width: 80, align: "right" });
    doc.text(cells[3], columns.total, y, { width: 70, align: "right" });
    doc.x = columns.description;
    doc.y = Math.max(after, doc.y);
  };
  doc.font("Helvetica-Bold");
  row(["Description", "Qty", "Unit price", "Amount"]);
  doc.font("Helvetica");
  for (const line of invoice.lines) {
    row([line.description, String(line.quantity), money(line.unitPriceAmount), money(line.totalAmount)]);
  }
  doc.moveDown();
  row(["Subtotal", "", "", money(invoice.subtotalAmount)]);
  row([`Tax (${(invoice.taxRateBps / 100).toFixed(2)} %)`, "", "", money(invoice.taxAmount)]);
  doc.font("Helvetica-Bold");
  row(["Total", "", "", money(invoice.totalAmount)]);
  doc.end();
  return done;
}
