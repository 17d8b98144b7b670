import type { Viewer } from "@campus/auth";
import { unauthenticated } from "@campus/errors";
import type { FileStore } from "@campus/files";
import { decodeCursor, pageSize, toConnection } from "@campus/subgraph";
import type { BillingRepository } from "../data/billing.repository";
import type { InvoiceRow } from "../data/commerce.prisma";
import { renderInvoicePdf } from "./invoice.pdf";

export interface InvoicePdfOptions {
  /** How long a download URL works; a new one is signed on every read. */
  urlSeconds: number;
  /** The seller's name printed on invoices. */
  seller: string;
}

/**
 * Reading invoices, and their PDFs: rendered once per invoice, on the first
 * request for its URL, and kept in the file store (S3 or the disk store); the
 * API hands out signed, expiring download URLs. A render that loses a race
 * writes the same bytes (invoice.pdf.ts), so no lock is needed.
 */
export class InvoiceService {
  private readonly rendering = new Map<string, Promise<void>>();

  constructor(
    private readonly billing: BillingRepository,
    private readonly files: FileStore,
    private readonly options: InvoicePdfOptions,
  ) {}

  /** The viewer's invoices, newest first (VOID ones, never collected, are not listed). */
  async listForViewer(viewer: Viewer, first: number | null | undefined, after: string | null | undefined) {
    if (!viewer.userId) throw unauthenticated();
    const size = pageSize(first);
    const { rows, totalCount } = await this.billing.invoicePage(viewer.userId, size, decodeCursor(after));
    return { ...toConnection(rows, size, (row) => ({ at: row.issuedAt, id: row.id })), totalCount };
  }

  /** A signed URL of the invoice's PDF, rendering and storing it first if it never was. */
  async pdfUrl(invoice: InvoiceRow): Promise<string> {
    const key = pdfKey(invoice);
    if (!(await this.files.stat(key))) await this.renderOnce(invoice.id, key);
    const signed = await this.files.downloadUrl({
      key,
      expiresInSeconds: this.options.urlSeconds,
      fileName: `${invoice.number}.pdf`,
    });
    return signed.url;
  }

  private renderOnce(invoiceId: string, key: string): Promise<void> {
    let render = this.rendering.get(invoiceId);
    if (!render) {
      render = this.render(invoiceId, key).finally(() => this.rendering.delete(invoiceId));
      this.rendering.set(invoiceId, render);
    }
    return render;
  }

  private async render(invoiceId: string, key: string): Promise<void> {
    const invoice = (await this.billing.invoiceWithLines(invoiceId))!;
    const pdf = await renderInvoicePdf(invoice, this.options.seller);
    // The store's own upload path (a signed PUT), the same for the disk store and S3.
    const upload = await this.files.uploadUrl({
      key,
      contentType: "application/pdf",
      sizeBytes: pdf.length,
      expiresInSeconds: 60,
    });
    const response = await fetch(upload.url, {
      method: upload.method,
      headers: Object.fromEntries(upload.headers.map((header) => [header.name, header.value])),
      body: pdf,
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`storing invoice PDF ${key} failed: HTTP ${response.status}`);
  }
}

/** One file per invoice; its status is not in it, so a later PAID does not need a new file. */
export const pdfKey = (invoice: Pick<InvoiceRow, "id" | "issuedAt">) =>
  `invoices/${invoice.issuedAt.getUTCFullYear()}/${invoice.id}.pdf`;
